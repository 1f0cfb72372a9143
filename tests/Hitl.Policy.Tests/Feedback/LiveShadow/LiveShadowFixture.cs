using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Feedback;
using Hitl.Policy.Review;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.Tests.Feedback.Live;

/// <summary>
/// An active policy and a candidate that differ in every way a shadow tells apart, by amount: below 500 alike
/// (auto-execute); 500 to 999 the candidate is stricter (review, the active auto-executes); 1000 to 1999 alike (review
/// by an agent); 2000 to 2999 another tier (the candidate asks a senior); from 3000 the candidate is looser (review by a
/// senior, the active escalates). Each test routes its own action type, so the process-wide meter can be read per test.
/// </summary>
internal static class LiveShadowFixture
{
    public const double Same = 100;
    public const double Stricter = 700;
    public const double SameReview = 1500;
    public const double Tier = 2500;
    public const double Looser = 3500;

    public static string Active(string action, string version = "1") => $$"""
        {
          "id": "shadow-active", "version": "{{version}}", "tiers": ["agent", "senior"],
          "defaults": { "route": "auto-execute" },
          "actions": {
            "{{action}}": {
              "impactTiers": [
                { "id": "a.big", "amountAtLeast": 1000, "route": "review" },
                { "id": "a.huge", "amountAtLeast": 3000, "route": "escalate" }
              ]
            }
          }
        }
        """;

    public static string Candidate(string action, string version = "2") => $$"""
        {
          "id": "shadow-candidate", "version": "{{version}}", "tiers": ["agent", "senior"],
          "defaults": { "route": "auto-execute" },
          "actions": {
            "{{action}}": {
              "impactTiers": [
                { "id": "c.mid", "amountAtLeast": 500, "route": "review" },
                { "id": "c.big", "amountAtLeast": 2000, "route": "review", "tier": "senior" }
              ]
            }
          }
        }
        """;

    /// <summary>An action type no other test routes.</summary>
    public static string Action(string test) => "shadow." + test + "." + Guid.NewGuid().ToString("N")[..8];

    public static Signals Case(string action, double amount, string? requestId = null) =>
        new() { ActionType = action, Amount = amount, RequestId = requestId };

    public static ReloadablePolicy<Signals> Reloadable(string json) =>
        new(Hitl.Policy.PolicyJson.Parse(json), Signals.SchemaFor(Hitl.Policy.PolicyJson.Parse(json)));

    /// <summary>A provider with the active policy, its shadow and, when asked, its review gate; the clock is <paramref name="time"/>.</summary>
    public static ServiceProvider Provider(
        string action, FakeTimeProvider time, Action<ShadowPolicyOptions>? shadow = null, FakeLogCollector? logs = null,
        Action<HitlPolicyBuilder<Signals>>? more = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs ?? new FakeLogCollector())));
        var builder = services.AddHitlPolicy(o => o.PolicyJson = Active(action))
            .AddShadowPolicy(o =>
            {
                o.PolicyJson = Candidate(action);
                shadow?.Invoke(o);
            });
        more?.Invoke(builder);
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Collects an instrument of the provider's shadow metrics. A collector by meter name alone would follow the first
    /// such instrument of the process, which may be another test's.
    /// </summary>
    public static MetricCollector<long> Collect(IServiceProvider provider, string instrument) => Collect(provider.GetRequiredService<ShadowMetrics>(), instrument);

    public static MetricCollector<long> Collect(ShadowMetrics metrics, string instrument) => new(metrics.Meter, instrument);

    /// <summary>The measurements of this test's action type.</summary>
    public static List<CollectedMeasurement<long>> Of(MetricCollector<long> collector, string action) =>
        [.. collector.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue(HitlTelemetry.ActionTypeTag, out var a) && Equals(a, action))];

    public static string Tag(CollectedMeasurement<long> measurement, string tag) =>
        measurement.Tags.TryGetValue(tag, out var value) ? value as string ?? "" : "(absent)";
}

/// <summary>A temporary folder, deleted afterwards.</summary>
internal sealed class ShadowFolder : IDisposable
{
    public ShadowFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hitl-shadow-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A candidate that throws on every call.</summary>
internal sealed class ThrowingPolicy : IEscalationPolicy<Signals>
{
    public int Calls;

    public string PolicyId => "throws";

    public string PolicyVersion => "1";

    public Decision Route(in Signals context)
    {
        Interlocked.Increment(ref Calls);
        throw new InvalidOperationException("the candidate is broken");
    }

    public DecisionTrace Explain(in Signals context) => throw new InvalidOperationException("the candidate is broken");
}
