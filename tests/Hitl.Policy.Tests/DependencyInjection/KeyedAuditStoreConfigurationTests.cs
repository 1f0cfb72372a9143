using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.Tests.DependencyInjection;

/// <summary>Issue 10, item 9: the trail's keys come from appsettings through the JSON Lines store's options.</summary>
public class KeyedAuditStoreConfigurationTests
{
    private static readonly string Secret = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task Keys_bound_from_configuration_sign_every_record_the_gate_writes()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("hitl-keys-").FullName;
        try
        {
            var trail = Path.Combine(folder, "audit.jsonl");
            var configuration = Configuration(trail, Secret);
            var services = new ServiceCollection();
            services.AddHitlPolicy(o => o.PolicyJson = AddHitlPolicyTests.Policy("1", "review"))
                .AddReviewGate()
                .AddJsonLinesAuditStore(o => configuration.GetSection("Hitl:Audit").Bind(o))
                .AddReviewSink(new InMemoryReviewSink())
                .AddReviewerDirectory(new InMemoryReviewerDirectory(Reviewer.Create("ann", "agent", "reviewer")));
            await using (var provider = services.BuildServiceProvider())
            {
                provider.GetRequiredService<IStartupValidator>().Validate();
                var gate = provider.GetRequiredService<ReviewGate<Signals>>();
                var signals = new Signals { ActionType = "refund.issue", Amount = 5 };
                await gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Decision = provider.GetRequiredService<IEscalationPolicy<Signals>>().Route(signals), Payload = "p" });
            }

            var keys = new AuditKeyRing(AuditKey.FromBase64("2026-12", Secret));
            var check = JsonLinesAuditStore.VerifyFile(trail, keys);
            Assert.True(check.IsIntact, check.Problem);
            Assert.True(check.KeyedRecords > 0);
            Assert.Equal(check.RecordCount, check.KeyedRecords);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_bad_key_in_configuration_stops_the_start_naming_the_option_not_the_secret()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("hitl-keys-").FullName;
        try
        {
            var configuration = Configuration(Path.Combine(folder, "audit.jsonl"), "c2hvcnQ=");
            var services = new ServiceCollection();
            services.AddHitlPolicy(o => o.PolicyJson = AddHitlPolicyTests.Policy("1", "review"))
                .AddJsonLinesAuditStore(o => configuration.GetSection("Hitl:Audit").Bind(o));
            using var provider = services.BuildServiceProvider();

            var start = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
            var failure = Assert.Single(start.Failures, f => f.Contains("Keys", StringComparison.Ordinal));
            Assert.Contains("JsonLinesAuditStoreOptions.Keys[0]: The secret of audit key '2026-12' is 5 bytes", failure, StringComparison.Ordinal);
            Assert.DoesNotContain("c2hvcnQ=", failure, StringComparison.Ordinal);
        }
        finally
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    private static IConfiguration Configuration(string trail, string secret) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Hitl:Audit:Path"] = trail,
        ["Hitl:Audit:ActiveKeyId"] = "2026-12",
        ["Hitl:Audit:Keys:0:Id"] = "2026-12",
        ["Hitl:Audit:Keys:0:Secret"] = secret,
    }).Build();
}
