using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Hitl.Policy.Tests.Review;
using Hitl.Policy.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.Tests.DependencyInjection;

public sealed class AddHitlPolicyTests
{
    internal static string Policy(string version, string largeRoute) => $$"""
        {
          "id": "reload", "version": "{{version}}", "tiers": ["agent", "senior"],
          "defaults": { "route": "auto-execute" },
          "actions": {
            "refund.issue": {
              "impactTiers": [ { "id": "refund.large", "amountAtLeast": 1000, "route": "{{largeRoute}}" } ]
            }
          }
        }
        """;

    private const string BrokenPolicy = """
        {
          "id": "broken", "version": "9", "tiers": ["agent"],
          "defaults": { "route": "auto-execute", "sampling": { "rate": 2.5, "mode": "flag" } },
          "actions": {
            "refund.issue": {
              "impactTiers": [ { "id": "same", "amountAtLeast": 1000, "route": "review", "tier": "galactic" } ],
              "rules": [ { "id": "same", "when": { "field": "nowhere", "eq": 1 }, "then": { "route": "review" } } ]
            }
          }
        }
        """;

    private static ServiceProvider Build(Action<IServiceCollection> add, out FakeAuditStore audit, FakeLogCollector? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs ?? new FakeLogCollector())));
        add(services);
        audit = new FakeAuditStore();
        var store = audit;
        services.AddSingleton<IAuditStore>(store);
        return services.BuildServiceProvider();
    }

    private static HitlPolicyBuilder<Signals> Sinks(HitlPolicyBuilder<Signals> builder) => builder
        .AddReviewGate()
        .AddReviewSink(new InMemoryReviewSink())
        .AddReviewerDirectory(new InMemoryReviewerDirectory(Reviewer.Create("ann", "agent", "reviewer", "operator")));

    private static string SamplePolicyPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "policies", "operations.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("samples/policies/operations.json not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task The_policy_comes_from_a_json_file_and_the_gate_is_wired_to_the_registered_parts()
    {
        using var provider = Build(s => Sinks(s.AddHitlPolicy(o => o.PolicyPath = SamplePolicyPath())), out var audit);
        provider.GetRequiredService<IStartupValidator>().Validate();

        var policy = provider.GetRequiredService<IEscalationPolicy<Signals>>();
        var gate = provider.GetRequiredService<ReviewGate<Signals>>();
        var signals = new Signals
        {
            ActionType = "email.send", Confidence = 0.7, Evidence = 0.9, Category = "marketing", Reversibility = Reversibility.Reversible, RequestId = "r-1",
        };
        signals.Numbers["email.externalRecipients"] = 1;
        signals.Flags["email.mentionsLegal"] = false;
        var result = await gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Decision = policy.Route(signals), Payload = "Dear customer" });

        Assert.Equal("operations", policy.PolicyId);
        Assert.Equal(GateDisposition.Pending, result.Disposition);
        Assert.Single(((InMemoryReviewSink)provider.GetRequiredService<IReviewSink>()).Tickets);
        Assert.Same(policy, provider.GetRequiredService<ReloadablePolicy<Signals>>());
        Assert.Same(gate, provider.GetRequiredService<IReviewGate>());
        var decided = audit.EntriesFor(result.CaseId).Single();
        Assert.Equal(provider.GetRequiredService<ReloadablePolicy<Signals>>().PolicyHash, decided.PolicyHash);
    }

    [Fact]
    public void A_bad_policy_stops_the_start_with_every_error_listed()
    {
        using var provider = Build(s => Sinks(s.AddHitlPolicy(o => o.PolicyJson = BrokenPolicy)), out _);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var failures = error.Failures.ToList();
        Assert.True(failures.Count >= 3, string.Join(Environment.NewLine, failures));
        Assert.Contains(failures, f => f.Contains("galactic", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("2.5", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("nowhere", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.StartsWith("Hitl policy: ", f, StringComparison.Ordinal));
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IEscalationPolicy<Signals>>());
    }

    [Fact]
    public void A_missing_file_and_a_missing_source_are_start_errors_too()
    {
        using var missingFile = Build(s => Sinks(s.AddHitlPolicy(o => o.PolicyPath = "/nowhere/policy.json")), out _);
        var file = Assert.Throws<OptionsValidationException>(() => missingFile.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("/nowhere/policy.json", file.Message, StringComparison.Ordinal);

        using var none = Build(s => Sinks(s.AddHitlPolicy(_ => { })), out _);
        var source = Assert.Throws<OptionsValidationException>(() => none.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("exactly one policy source", source.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_audit_store_stops_the_start_and_is_named_again_if_the_gate_is_resolved_anyway()
    {
        var services = new ServiceCollection();
        Sinks(services.AddHitlPolicy(o => o.PolicyJson = Policy("1", "review")));
        using var provider = services.BuildServiceProvider();

        var start = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var resolve = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ReviewGate<Signals>>());

        Assert.Equal(
            ["Hitl: the review gate has no audit store (IAuditStore); call AddAuditStore(...) or AddJsonLinesAuditStore(...) on the builder that AddHitlPolicy returns."],
            start.Failures);
        Assert.Contains("AddAuditStore", resolve.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configuration_gives_the_policy_and_the_gate_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hitl:PolicyJson"] = Policy("1", "review"),
            ["Hitl:Gate:ContestReviewDeadline"] = "2.00:00:00",
            ["Hitl:Gate:Actions:refund.issue:Weaknesses"] = "Misses partial refunds.",
            ["Hitl:Gate:Actions:refund.issue:WithholdSuggestion"] = "true",
        }).Build();
        using var provider = Build(s => Sinks(s.AddHitlPolicy(configuration.GetSection("Hitl"))), out _);
        var policy = provider.GetRequiredService<IEscalationPolicy<Signals>>();
        var gate = provider.GetRequiredService<ReviewGate<Signals>>();
        var signals = new Signals { ActionType = "refund.issue", Amount = 5000 };

        var result = await gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Decision = policy.Route(signals), Payload = "refund 5000" });

        Assert.True(result.Ticket!.SuggestionWithheld);
        Assert.Null(result.Ticket.Suggestion);
        Assert.Equal("Misses partial refunds.", result.Ticket.ModelWeaknesses);
    }

    [Fact]
    public async Task A_configuration_reload_swaps_the_policy_and_a_bad_reload_keeps_the_last_good_one_and_logs_why()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hitl:PolicyJson"] = Policy("1", "review"),
        }).Build();
        var logs = new FakeLogCollector();
        using var provider = Build(s => Sinks(s.AddHitlPolicy(configuration.GetSection("Hitl"))), out var audit, logs);
        var policy = provider.GetRequiredService<IEscalationPolicy<Signals>>();
        var large = new Signals { ActionType = "refund.issue", Amount = 5000 };
        Assert.Equal(RouteLevel.Review, policy.Route(large).Route);

        configuration["Hitl:PolicyJson"] = Policy("2", "block");
        configuration.Reload();

        Assert.Equal("2", policy.PolicyVersion);
        Assert.Equal(RouteLevel.Block, policy.Route(large).Route);

        configuration["Hitl:PolicyJson"] = BrokenPolicy;
        configuration.Reload();

        Assert.Equal("2", policy.PolicyVersion);
        Assert.Equal(RouteLevel.Block, policy.Route(large).Route);
        var rejected = Assert.Single(logs.GetSnapshot(), m => m.Id.Id == 1031);
        Assert.Equal(LogLevel.Error, rejected.Level);
        Assert.Contains("galactic", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("reload 2 stays active", rejected.Message, StringComparison.Ordinal);

        configuration["Hitl:PolicyJson"] = "{ not json";
        configuration.Reload();
        Assert.Equal("2", policy.PolicyVersion);
        Assert.Equal(2, logs.GetSnapshot().Count(m => m.Id.Id == 1031));

        await Eventually.True(() => audit.Records.Count(r => r.Entry.Act == ActKind.PolicyActivated) == 2);
        Assert.Equal(["1", "2"], audit.Records.Where(r => r.Entry.Act == ActKind.PolicyActivated).Select(r => r.Entry.PolicyVersion));
    }

    [Fact]
    public async Task Reloads_under_parallel_routing_never_tear_a_decision_or_throw()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hitl:PolicyJson"] = Policy("review-1", "review"),
        }).Build();
        using var provider = Build(s => Sinks(s.AddHitlPolicy(configuration.GetSection("Hitl"))), out _);
        var policy = provider.GetRequiredService<IEscalationPolicy<Signals>>();
        var large = new Signals { ActionType = "refund.issue", Amount = 5000 };
        using var stop = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();

        var routers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var count = 0L;
            while (!stop.IsCancellationRequested)
            {
                var decision = policy.Route(large);
                var expected = decision.PolicyVersion!.StartsWith("review", StringComparison.Ordinal) ? RouteLevel.Review : RouteLevel.Block;
                if (decision.Route != expected || decision.FiredRules.ToArray() is not ["refund.large"])
                {
                    throw new InvalidOperationException($"torn decision: {decision} from {decision.PolicyVersion}");
                }

                seen.TryAdd(decision.PolicyVersion, 0);
                count++;
            }

            return count;
        })).ToArray();

        for (var i = 0; i < 60; i++)
        {
            configuration["Hitl:PolicyJson"] = (i % 3) switch
            {
                0 => Policy($"block-{i}", "block"),
                1 => BrokenPolicy,
                _ => Policy($"review-{i}", "review"),
            };
            configuration.Reload();
            var version = policy.PolicyVersion;
            Assert.False(version == "9", "the broken policy became active");
            await Task.Delay(2);
        }

        await stop.CancelAsync();
        var routed = await Task.WhenAll(routers);

        Assert.All(routed, count => Assert.True(count > 0));
        Assert.True(seen.Count >= 2, "routing saw " + string.Join(", ", seen.Keys));
        Assert.DoesNotContain("9", seen.Keys);
    }

    [Fact]
    public async Task The_kill_switch_the_policy_obeys_is_the_one_the_audited_wrapper_changes_across_reloads()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hitl:PolicyJson"] = Policy("1", "review"),
        }).Build();
        using var provider = Build(s => Sinks(s.AddHitlPolicy(configuration.GetSection("Hitl"))), out var audit);
        var policy = provider.GetRequiredService<IEscalationPolicy<Signals>>();
        var killSwitch = provider.GetRequiredService<AuditedKillSwitch>();
        var small = new Signals { ActionType = "refund.issue", Amount = 5 };

        await killSwitch.EngageAsync(null, "ann", "incident");
        configuration["Hitl:PolicyJson"] = Policy("2", "review");
        configuration.Reload();

        Assert.Equal("2", policy.PolicyVersion);
        Assert.Equal(RouteLevel.Review, policy.Route(small).Route);
        Assert.Contains(audit.Records, r => r.Entry.Act == ActKind.KillSwitchEngaged);
        await killSwitch.ReleaseAsync(null, "ann", "resolved");
        Assert.Equal(RouteLevel.AutoExecute, policy.Route(small).Route);
    }

    [Fact]
    public async Task Handlers_notification_sink_and_compensation_hook_registered_through_the_builder_reach_the_gate()
    {
        var notices = new InMemoryNotificationSink();
        var compensation = new InMemoryCompensationHook();
        var senior = new InMemoryEscalationHandler(EscalationHandling.Stop);
        var after = new InMemoryEscalationHandler();
        using var provider = Build(s => Sinks(s.AddHitlPolicy(o => o.PolicyJson = Policy("1", "escalate")))
            .AddNotificationSink(notices)
            .AddCompensationHook(compensation)
            .AddEscalationHandler(senior, tier: "senior")
            .AddEscalationHandler(after)
            .ConfigureGate(g => g.ReviewerRole = "operator"), out _);
        var policy = provider.GetRequiredService<IEscalationPolicy<Signals>>();
        var gate = provider.GetRequiredService<ReviewGate<Signals>>();
        var large = new Signals { ActionType = "refund.issue", Amount = 5000 };
        var small = new Signals { ActionType = "refund.issue", Amount = 5 };

        var escalated = await gate.SubmitAsync(new GateRequest<Signals> { Context = large, Decision = policy.Route(large), Payload = "p" });
        var auto = await gate.SubmitAsync(new GateRequest<Signals> { Context = small, Decision = policy.Route(small), Payload = "p" });
        await gate.ReverseAsync(new HumanAct(auto.CaseId, "ann", "test"));

        Assert.Equal("senior", escalated.Ticket!.RequiredTier);
        Assert.Single(senior.Received);
        Assert.Empty(after.Received);
        Assert.Single(compensation.Requests);
        Assert.Contains(notices.Notices, n => n.Kind == NoticeKind.Reversed);
    }

    [Fact]
    public async Task Editing_the_policy_file_reloads_it_and_a_bad_edit_keeps_the_last_good_policy()
    {
        var directory = Directory.CreateTempSubdirectory("hitl-policy-");
        try
        {
            var path = Path.Combine(directory.FullName, "policy.json");
            await File.WriteAllTextAsync(path, Policy("1", "review"));
            var logs = new FakeLogCollector();
            using var provider = Build(s => Sinks(s.AddHitlPolicy(o => o.PolicyPath = path)), out _, logs);
            var policy = provider.GetRequiredService<IEscalationPolicy<Signals>>();
            Assert.Equal("1", policy.PolicyVersion);

            await File.WriteAllTextAsync(path, Policy("2", "block"));
            await Eventually.True(() => policy.PolicyVersion == "2");
            Assert.Equal(RouteLevel.Block, policy.Route(new Signals { ActionType = "refund.issue", Amount = 5000 }).Route);

            await File.WriteAllTextAsync(path, BrokenPolicy);
            await Eventually.True(() => logs.GetSnapshot().Any(m => m.Id.Id == 1031 && m.Message.Contains("galactic", StringComparison.Ordinal)));
            Assert.Equal("2", policy.PolicyVersion);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
