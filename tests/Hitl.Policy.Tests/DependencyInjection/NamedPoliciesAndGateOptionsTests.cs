using Hitl.Policy.Tests.Support;
using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Hitl.Policy.Tests.Review;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.Tests.DependencyInjection;

/// <summary>
/// Several policies of one context type side by side, the gate's settings from configuration (durations written as
/// ISO 8601 or TimeSpan text, bad values named with their key at start), and the parts a gate needs checked at start
/// without opening anything.
/// </summary>
public sealed class NamedPoliciesAndGateOptionsTests
{
    private static readonly InMemoryReviewerDirectory Directory = new(Reviewer.Create("ann", "agent", "reviewer", "operator"));

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    private static ServiceProvider WithGate(IConfiguration configuration, out HitlPolicyBuilder<Signals> builder)
    {
        var services = new ServiceCollection();
        builder = services.AddHitlPolicy(configuration.GetSection("Hitl"))
            .AddReviewGate()
            .AddAuditStore(new FakeAuditStore())
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(Directory);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Two_named_policies_of_one_context_type_resolve_side_by_side_each_with_its_own_gate_and_sink()
    {
        var services = new ServiceCollection();
        var shared = new FakeAuditStore();
        services.AddSingleton<IAuditStore>(shared);
        services.AddSingleton<IReviewerDirectory>(Directory);
        var loanSink = new InMemoryReviewSink();
        var refundSink = new InMemoryReviewSink();
        services.AddHitlPolicy("loans", o => o.PolicyJson = AddHitlPolicyTests.Policy("loans-1", "review"))
            .AddReviewGate()
            .AddReviewSink(loanSink);
        services.AddHitlPolicy("refunds", o => o.PolicyJson = AddHitlPolicyTests.Policy("refunds-7", "escalate"))
            .AddReviewGate(o => o.ReviewerRole = "operator")
            .AddReviewSink(refundSink);
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var loans = provider.GetRequiredKeyedService<IEscalationPolicy<Signals>>("loans");
        var refunds = provider.GetRequiredKeyedService<IEscalationPolicy<Signals>>("refunds");
        var large = new Signals { ActionType = "refund.issue", Amount = 5000 };

        Assert.Equal(("loans-1", RouteLevel.Review), (loans.PolicyVersion, loans.Route(large).Route));
        Assert.Equal(("refunds-7", RouteLevel.Escalate), (refunds.PolicyVersion, refunds.Route(large).Route));
        Assert.Null(provider.GetService<IEscalationPolicy<Signals>>());

        var loanGate = provider.GetRequiredKeyedService<ReviewGate<Signals>>("loans");
        var refundGate = provider.GetRequiredKeyedService<ReviewGate<Signals>>("refunds");
        await loanGate.SubmitAsync(new GateRequest<Signals> { Context = large, Decision = loans.Route(large), Payload = "loan" });
        await refundGate.SubmitAsync(new GateRequest<Signals> { Context = large, Decision = refunds.Route(large), Payload = "refund" });

        Assert.Equal(["loan"], loanSink.Tickets.Select(t => t.Suggestion));
        Assert.Equal(["refund"], refundSink.Tickets.Select(t => t.Suggestion));
        Assert.Equal(2, shared.Records.Count(r => r.Entry.Act == ActKind.Decided));
        var monitor = provider.GetRequiredService<IOptionsMonitor<ReviewGateOptions>>();
        Assert.Equal("reviewer", monitor.Get("Hitl.Policy:" + typeof(Signals).FullName + "/loans").ReviewerRole);
        Assert.Equal("operator", monitor.Get("Hitl.Policy:" + typeof(Signals).FullName + "/refunds").ReviewerRole);
    }

    [Fact]
    public void A_second_policy_of_the_same_context_type_and_name_is_refused_instead_of_replacing_the_first()
    {
        var services = new ServiceCollection();
        services.AddHitlPolicy(o => o.PolicyJson = AddHitlPolicyTests.Policy("1", "review"));
        services.AddHitlPolicy("loans", o => o.PolicyJson = AddHitlPolicyTests.Policy("2", "review"));

        var unnamed = Assert.Throws<InvalidOperationException>(() => services.AddHitlPolicy(o => o.PolicyJson = AddHitlPolicyTests.Policy("3", "review")));
        var named = Assert.Throws<InvalidOperationException>(() => services.AddHitlPolicy("loans", o => o.PolicyJson = AddHitlPolicyTests.Policy("4", "review")));

        Assert.Contains("A default Hitl policy for Signals is already added", unnamed.Message, StringComparison.Ordinal);
        Assert.Contains("AddHitlPolicy(\"name\", ...)", unnamed.Message, StringComparison.Ordinal);
        Assert.Contains("named 'loans'", named.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => services.AddHitlPolicy(" ", o => o.PolicyJson = "{}"));
    }

    [Theory]
    [InlineData("PT5S", "P7D", 5, 7 * 24 * 3600)]
    [InlineData("00:00:05", "7.00:00:00", 5, 7 * 24 * 3600)]
    [InlineData("PT1M30S", "P1DT12H", 90, 36 * 3600)]
    [InlineData(" 00:01:30 ", "1.12:00:00", 90, 36 * 3600)]
    public void Durations_in_configuration_read_as_iso_8601_or_timespan_text(string sweep, string contest, int sweepSeconds, int contestSeconds)
    {
        var configuration = Configuration(
            ("Hitl:PolicyJson", AddHitlPolicyTests.Policy("1", "review")),
            ("Hitl:Gate:SweepInterval", sweep),
            ("Hitl:Gate:ContestReviewDeadline", contest),
            ("Hitl:Gate:ClosedCaseRetention", "P30D"),
            ("Hitl:Gate:RetentionClasses:credit", "P2555D"),
            ("Hitl:Gate:StorePollInterval", "PT0.5S"),
            ("Hitl:Gate:RecordsRole", "dpo"),
            ("Hitl:Gate:MaxPayloadLength", "65536"));
        using var provider = WithGate(configuration, out var builder);
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptionsMonitor<ReviewGateOptions>>().Get(builder.OptionsName);

        Assert.Equal(TimeSpan.FromDays(2555), options.RetentionClasses["credit"]);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.StorePollInterval);
        Assert.Equal("dpo", options.RecordsRole);
        Assert.Equal(65536, options.MaxPayloadLength);

        Assert.Equal(TimeSpan.FromSeconds(sweepSeconds), options.SweepInterval);
        Assert.Equal(TimeSpan.FromSeconds(contestSeconds), options.ContestReviewDeadline);
        Assert.Equal(TimeSpan.FromDays(30), options.ClosedCaseRetention);
    }

    [Fact]
    public void A_value_that_is_not_a_duration_stops_the_start_with_its_key_and_value_named()
    {
        var configuration = Configuration(
            ("Hitl:PolicyJson", AddHitlPolicyTests.Policy("1", "review")),
            ("Hitl:Gate:SweepInterval", "every five seconds"),
            ("Hitl:Gate:ContestReviewDeadline", "-PT1H"),
            ("Hitl:Gate:ClosedCaseRetention", "36:00:00"),
            ("Hitl:Gate:Actions:refund.issue:WithholdSuggestion", "yes"),
            ("Hitl:Gate:RetentionClasses:credit", "seven years"),
            ("Hitl:Gate:SweepIntervall", "PT5S"));
        using var provider = WithGate(configuration, out _);

        var failures = StartCheck.Failures(provider);

        Assert.Equal(
            [
                "Hitl:Gate:SweepIntervall: is not a setting of the review gate (known: Actions, ClosedCaseRetention, ContestIntakeRole, ContestReviewDeadline, MaxPayloadLength, OperatorRole, OverrideTier, PayloadDigestKey, RecordsRole, RetentionClasses, ReviewClaimLease, ReviewerRole, StorePollInterval, SweepInterval).",
                "Hitl:Gate:SweepInterval: 'every five seconds' is not a duration; write an ISO 8601 duration (PT5S, PT4H, P7D) or TimeSpan text (00:00:05, 7.00:00:00).",
                "Hitl:Gate:ClosedCaseRetention: '36:00:00' is not a duration; write an ISO 8601 duration (PT5S, PT4H, P7D) or TimeSpan text (00:00:05, 7.00:00:00).",
                "Hitl:Gate:RetentionClasses:credit: 'seven years' is not a duration; write an ISO 8601 duration (PT5S, PT4H, P7D) or TimeSpan text (00:00:05, 7.00:00:00).",
                "Hitl:Gate:Actions:refund.issue:WithholdSuggestion: 'yes' is not true or false.",
                "Hitl:Gate:ContestReviewDeadline: must be longer than zero, found -PT1H (-01:00:00).",
            ],
            failures);
    }

    [Fact]
    public void The_payload_digest_key_and_the_contest_intake_role_bind_from_configuration_and_a_short_key_stops_the_start_unquoted()
    {
        var key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        using var good = WithGate(Configuration(
            ("Hitl:PolicyJson", AddHitlPolicyTests.Policy("1", "review")),
            ("Hitl:Gate:PayloadDigestKey", key),
            ("Hitl:Gate:ContestIntakeRole", "complaints")), out var builder);
        var options = good.GetRequiredService<IOptionsMonitor<ReviewGateOptions>>().Get(builder.OptionsName);
        good.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal((key, "complaints"), (options.PayloadDigestKey, options.ContestIntakeRole));

        using var bad = WithGate(Configuration(("Hitl:PolicyJson", AddHitlPolicyTests.Policy("1", "review")), ("Hitl:Gate:PayloadDigestKey", "c2hvcnQ=")), out _);
        var failure = Assert.Single(StartCheck.Failures(bad));
        Assert.StartsWith("Hitl:Gate:PayloadDigestKey: ", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ=", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_setting_that_cannot_be_read_is_a_start_error_too()
    {
        var services = new ServiceCollection();
        services.AddHitlPolicy(Configuration(("Hitl:PolicyJson", AddHitlPolicyTests.Policy("1", "review")), ("Hitl:WatchPolicyFile", "sometimes")).GetSection("Hitl"));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(["Hitl policy: Hitl:WatchPolicyFile: 'sometimes' is not true or false."], StartCheck.Failures(provider));
    }

    [Fact]
    public void Every_missing_part_of_the_gate_is_listed_at_start_and_nothing_is_made_to_find_out()
    {
        var services = new ServiceCollection();
        var made = 0;
        services.AddHitlPolicy(o => o.PolicyJson = AddHitlPolicyTests.Policy("1", "review"))
            .AddReviewGate()
            .AddNotificationSink(new InMemoryNotificationSink());
        services.AddHitlPolicy("loans", o => o.PolicyJson = AddHitlPolicyTests.Policy("2", "review"))
            .AddReviewGate()
            .AddReviewSink(_ => { made++; return new InMemoryReviewSink(); });
        using var provider = services.BuildServiceProvider();

        var failures = StartCheck.Failures(provider);

        Assert.Equal(
            [
                "Hitl: the review gate has no audit store (IAuditStore); call AddAuditStore(...) or AddJsonLinesAuditStore(...) on the builder that AddHitlPolicy returns.",
                "Hitl: the review gate has no review sink (IReviewSink); call AddReviewSink(...) on the builder that AddHitlPolicy returns.",
                "Hitl: the review gate has no reviewer directory (IReviewerDirectory); call AddReviewerDirectory(...) on the builder that AddHitlPolicy returns.",
                "Hitl: the review gate of policy 'loans' has no audit store (IAuditStore); call AddAuditStore(...) or AddJsonLinesAuditStore(...) on the builder that AddHitlPolicy returns.",
                "Hitl: the review gate of policy 'loans' has no reviewer directory (IReviewerDirectory); call AddReviewerDirectory(...) on the builder that AddHitlPolicy returns.",
            ],
            failures);
        Assert.Equal(0, made);
    }

    [Fact]
    public void A_second_registration_of_a_part_on_one_builder_replaces_the_first_and_leaves_other_policies_alone()
    {
        var services = new ServiceCollection();
        var first = new InMemoryReviewSink();
        var second = new InMemoryReviewSink();
        var loansFirst = new InMemoryReviewSink();
        var loansSecond = new InMemoryReviewSink();
        services.AddHitlPolicy(o => o.PolicyJson = AddHitlPolicyTests.Policy("1", "review")).AddReviewSink(first).AddReviewSink(second);
        services.AddHitlPolicy("loans", o => o.PolicyJson = AddHitlPolicyTests.Policy("2", "review")).AddReviewSink(loansFirst).AddReviewSink(_ => loansSecond);
        using var provider = services.BuildServiceProvider();

        Assert.Same(second, Assert.Single(provider.GetServices<IReviewSink>()));
        Assert.Same(loansSecond, Assert.Single(provider.GetKeyedServices<IReviewSink>("loans")));
    }

    [Fact]
    public void A_policy_without_a_gate_needs_no_gate_parts()
    {
        var services = new ServiceCollection();
        services.AddHitlPolicy(o => o.PolicyJson = AddHitlPolicyTests.Policy("1", "review"));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal("1", provider.GetRequiredService<IEscalationPolicy<Signals>>().PolicyVersion);
        Assert.Null(provider.GetService<ReviewGate<Signals>>());
    }

    [Fact]
    public async Task A_json_lines_store_registered_by_path_opens_its_file_at_first_use_not_at_registration_or_start()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("hitl-di-").FullName;
        try
        {
            var trail = Path.Combine(folder, "audit.jsonl");
            var services = new ServiceCollection();
            services.AddHitlPolicy(o => o.PolicyJson = AddHitlPolicyTests.Policy("1", "review"))
                .AddReviewGate()
                .AddJsonLinesAuditStore(trail)
                .AddReviewSink(new InMemoryReviewSink())
                .AddReviewerDirectory(Directory);
            await using (var provider = services.BuildServiceProvider())
            {
                provider.GetRequiredService<IStartupValidator>().Validate();
                Assert.False(File.Exists(trail), "the trail was opened before first use");

                var gate = provider.GetRequiredService<ReviewGate<Signals>>();
                var signals = new Signals { ActionType = "refund.issue", Amount = 5 };
                await gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Decision = provider.GetRequiredService<IEscalationPolicy<Signals>>().Route(signals), Payload = "p" });
            }

            Assert.True(JsonLinesAuditStore.VerifyFile(trail).IsIntact);
            Assert.Contains("\"act\":\"decided\"", await File.ReadAllTextAsync(trail), StringComparison.Ordinal);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_json_lines_store_in_a_folder_that_does_not_exist_is_a_start_error()
    {
        var services = new ServiceCollection();
        services.AddHitlPolicy(o => o.PolicyJson = AddHitlPolicyTests.Policy("1", "review"))
            .AddReviewGate()
            .AddJsonLinesAuditStore("/nowhere/at/all/audit.jsonl")
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(Directory);
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Single(StartCheck.Failures(provider));

        Assert.Equal("JsonLinesAuditStoreOptions.Path: the directory of '/nowhere/at/all/audit.jsonl' does not exist (/nowhere/at/all).", failure);
    }

    [Fact]
    public async Task A_json_lines_store_registered_by_type_reads_its_options_from_the_container()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("hitl-di-").FullName;
        try
        {
            var trail = Path.Combine(folder, "audit.jsonl");
            var services = new ServiceCollection();
            services.Configure<JsonLinesAuditStoreOptions>(o => o.Path = trail);
            services.AddHitlPolicy(o => o.PolicyJson = AddHitlPolicyTests.Policy("1", "review"))
                .AddReviewGate()
                .AddAuditStore<JsonLinesAuditStore>()
                .AddReviewSink(new InMemoryReviewSink())
                .AddReviewerDirectory(Directory);
            await using (var provider = services.BuildServiceProvider())
            {
                provider.GetRequiredService<IStartupValidator>().Validate();
                Assert.False(File.Exists(trail));
                var store = Assert.IsType<JsonLinesAuditStore>(provider.GetRequiredService<IAuditStore>());
                Assert.Equal(trail, store.Path);
            }

            Assert.True(File.Exists(trail));
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_gate_builder_lists_every_missing_part_and_bad_setting_at_once()
    {
        using var f = new GateFixture();

        var error = Assert.Throws<InvalidOperationException>(() => new ReviewGateBuilder<Signals>(f.Policy)
            .Configure(o => o.SweepInterval = TimeSpan.Zero)
            .Configure(o => o.ReviewerRole = "")
            .Build());

        Assert.Equal(
            string.Join(
                Environment.NewLine,
                "The review gate cannot be built:",
                "  No audit store: call UseCaseStore(...) or AddAuditStore(...) (every decision and act is recorded before it takes effect).",
                "  No review sink: call AddReviewSink(...) (where review tickets go).",
                "  No reviewer directory: call AddReviewerDirectory(...) (who holds which role and tier).",
                "  ReviewGateOptions.ReviewerRole: a role name is required, found ''.",
                "  ReviewGateOptions.SweepInterval: must be longer than zero (or left out, when the host calls SweepAsync), found PT0S (00:00:00)."),
            error.Message);
    }

    [Fact]
    public async Task The_audited_kill_switch_stamps_its_record_and_the_change_with_the_switchs_clock()
    {
        using var f = new GateFixture();
        var start = f.Time.GetUtcNow();
        var audited = new AuditedKillSwitch(f.KillSwitch, f.Audit, f.Directory);

        var engaged = await audited.EngageAsync("refund.issue", "dora", "drill");
        f.Time.Advance(TimeSpan.FromMinutes(5));
        var released = f.KillSwitch.Release("refund.issue", "dora", "drill over");

        Assert.Equal(start, engaged.At);
        Assert.Equal(engaged.At, f.Audit.Records.Single(r => r.Entry.Act == ActKind.KillSwitchEngaged).Entry.At);
        Assert.Equal(engaged.At.AddMinutes(5), released.At);
    }
}
