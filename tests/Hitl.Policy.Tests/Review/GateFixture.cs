using Hitl.Policy.Review;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.Tests.Review;

/// <summary>A gate over a small refund policy, with fake time, a fake audit store and in-memory sinks.</summary>
internal sealed class GateFixture : IDisposable
{
    private readonly ReviewGateOptions? _options;
    private readonly Lock _gateCreation = new();
    private ReviewGate<Signals>? _gate;

    public const string PolicyJson = """
    {
      "id": "refunds",
      "version": "1",
      "tiers": ["agent", "senior", "director"],
      "defaults": {
        "route": "auto-execute",
        "confidenceBands": [
          { "id": "confidence.high", "min": 0.8, "max": 1.0, "route": "auto-execute" },
          { "id": "confidence.low", "min": 0.0, "max": 0.8, "route": "review" }
        ],
        "review": { "tier": "agent", "approvals": 1, "deadline": "PT1H", "onTimeout": "escalate" },
        "escalate": { "tier": "senior", "approvals": 1, "deadline": "PT2H", "onTimeout": "block" }
      },
      "actions": {
        "refund.issue": {
          "impactTiers": [
            { "id": "refund.medium", "amountAtLeast": 1000, "route": "review" },
            { "id": "refund.large", "amountAtLeast": 5000, "route": "review", "tier": "senior", "approvals": 2 },
            { "id": "refund.huge", "amountAtLeast": 50000, "route": "escalate", "tier": "director" }
          ],
          "reversibility": { "costlyToReverse": { "route": "auto-execute-with-notice" } },
          "rules": [
            { "id": "refund.fraud", "description": "Refunds flagged as fraud never run.", "when": { "field": "category", "eq": "fraud" }, "then": { "route": "block" } }
          ]
        },
        "email.send": {
          "rules": [
            { "id": "email.top", "when": { "field": "category", "eq": "legal" }, "then": { "route": "review", "tier": "director" } }
          ]
        }
      }
    }
    """;

    public GateFixture(ReviewGateOptions? options = null, bool withNotifications = true, bool withCompensation = true)
    {
        var definition = Hitl.Policy.PolicyJson.Parse(PolicyJson);
        KillSwitch = new KillSwitch(Time);
        Policy = new ReloadablePolicy<Signals>(definition, Signals.SchemaFor(definition), KillSwitch);
        Directory = new InMemoryReviewerDirectory(
            Reviewer.Create("ann", "agent", "reviewer"),
            Reviewer.Create("aaron", "agent", "reviewer"),
            Reviewer.Create("sam", "senior", "reviewer"),
            Reviewer.Create("sue", "senior", "reviewer"),
            Reviewer.Create("dora", "director", "reviewer", "operator"),
            Reviewer.Create("otto", "agent", "operator"),
            Reviewer.Create("vic", "viceroy", "reviewer"));
        Notifications = withNotifications ? new InMemoryNotificationSink() : null;
        Compensation = withCompensation ? new InMemoryCompensationHook() : null;
        _options = options;
    }

    /// <summary>The library's fake clock, standing at 2026-11-23 09:00 UTC until a test advances it (which fires the timers due).</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    public FakeAuditStore Audit { get; } = new();

    public InMemoryReviewSink Sink { get; } = new();

    public InMemoryNotificationSink? Notifications { get; }

    public InMemoryCompensationHook? Compensation { get; }

    public InMemoryReviewerDirectory Directory { get; }

    public List<EscalationHandlerRegistration> Handlers { get; } = [];

    public KillSwitch KillSwitch { get; }

    public ReloadablePolicy<Signals> Policy { get; }

    /// <summary>The gate, made on first use (so that tests can add escalation handlers first).</summary>
    /// <summary>Created on first use, once, also when parallel tests touch it first from many threads at the same time.</summary>
    public ReviewGate<Signals> Gate
    {
        get
        {
            lock (_gateCreation)
            {
                return _gate ??= CreateGate();
            }
        }
    }

    /// <summary>A gate builder with the fixture's policy, audit store, sink, directory and clock; nothing optional.</summary>
    public ReviewGateBuilder<Signals> Builder() => new ReviewGateBuilder<Signals>(Policy)
        .AddAuditStore(Audit)
        .AddReviewSink(Sink)
        .AddReviewerDirectory(Directory)
        .UseTimeProvider(Time);

    private ReviewGate<Signals> CreateGate()
    {
        var builder = Builder().AddEscalationHandlers(Handlers);
        if (_options is not null)
        {
            builder.UseOptions(_options);
        }

        if (Notifications is not null)
        {
            builder.AddNotificationSink(Notifications);
        }

        if (Compensation is not null)
        {
            builder.AddCompensationHook(Compensation);
        }

        return builder.Build();
    }

    public static Signals Refund(double amount, double confidence = 0.95, string category = "retail", Reversibility reversibility = Reversibility.Reversible, string? requestId = null) => new()
    {
        ActionType = "refund.issue",
        Amount = amount,
        Confidence = confidence,
        Category = category,
        Reversibility = reversibility,
        RequestId = requestId,
    };

    public ValueTask<GateResult> SubmitAsync(Signals signals, string payload = "refund 100 EUR to order 42", string? requester = "rita", string? subject = "carl", string? caseId = null) =>
        Gate.SubmitAsync(new GateRequest<Signals>
        {
            Context = signals,
            Decision = Policy.Route(signals),
            Payload = payload,
            Requester = requester,
            Subject = subject,
            CaseId = caseId,
            Summary = "Customer asks for a refund of a damaged parcel.",
        });

    public async Task<string> OpenAsync(double amount = 2000, string payload = "refund 2000 EUR to order 42")
    {
        var result = await SubmitAsync(Refund(amount), payload);
        Assert.Equal(GateDisposition.Pending, result.Disposition);
        return result.CaseId;
    }

    public void Dispose() => _gate?.Dispose();
}
