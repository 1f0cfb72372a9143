using Hitl.Policy.Tests.Support;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Feedback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Hitl.Policy.Tests.Feedback.Live.LiveShadowFixture;

namespace Hitl.Policy.Tests.Feedback.Live;

/// <summary>A shadow's settings are checked at start, each failure naming its field and value; a candidate that does not compile stops the start.</summary>
public sealed class LiveShadowOptionsTests
{
    private static ServiceProvider With(Action<ShadowPolicyOptions> shadow, string? name = null)
    {
        var services = new ServiceCollection();
        var builder = name is null
            ? services.AddHitlPolicy(o => o.PolicyJson = Active("opt"))
            : services.AddHitlPolicy(name, o => o.PolicyJson = Active("opt"));
        builder.AddShadowPolicy(shadow);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Every_value_out_of_range_is_named_with_its_field_and_value()
    {
        var missing = Path.Combine(Path.GetTempPath(), "hitl-no-such-" + Guid.NewGuid().ToString("N"), "shadow.jsonl");
        using var provider = With(o =>
        {
            o.PolicyJson = Candidate("opt");
            o.SampleRate = 1.5;
            o.Capacity = 0;
            o.FlushInterval = TimeSpan.Zero;
            o.RecordPath = missing;
        });

        var failures = StartCheck.Failures(provider);

        Assert.Contains("Hitl shadow candidate: ShadowPolicyOptions.SampleRate: must be from 0 to 1 (the share of differing decisions recorded), found 1.5.", failures);
        Assert.Contains("Hitl shadow candidate: ShadowPolicyOptions.Capacity: must be from 1 to 1048576 records, found 0.", failures);
        Assert.Contains("Hitl shadow candidate: ShadowPolicyOptions.FlushInterval: must be more than zero and at most one hour, found 00:00:00.", failures);
        Assert.Contains(failures, f => f.StartsWith($"Hitl shadow candidate: ShadowPolicyOptions.RecordPath: the directory of '{missing}' does not exist", StringComparison.Ordinal));
        Assert.Equal(4, failures.Count);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(-0.1, "-0.1")]
    public void A_sample_rate_that_is_not_a_share_is_refused(double rate, string shown)
    {
        using var provider = With(o => (o.PolicyJson, o.SampleRate) = (Candidate("opt"), rate));

        var failure = Assert.Single(StartCheck.Failures(provider));

        Assert.EndsWith($"found {shown}.", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_candidate_that_does_not_compile_stops_the_start_with_its_errors_named_as_the_shadow_candidates()
    {
        using var provider = With(o => o.PolicyJson = Candidate("opt").Replace("\"tier\": \"senior\"", "\"tier\": \"galactic\"", StringComparison.Ordinal), name: "loans");

        var failure = Assert.Single(StartCheck.Failures(provider));

        Assert.StartsWith("Hitl shadow candidate of the policy 'loans': ", failure, StringComparison.Ordinal);
        Assert.Contains("galactic", failure, StringComparison.Ordinal);
        var resolving = Assert.ThrowsAny<Exception>(() => provider.GetRequiredKeyedService<LiveShadow<Signals>>("loans"));
        Assert.Contains("Hitl shadow candidate of the policy 'loans'", resolving.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shadow_without_a_candidate_or_with_two_is_refused()
    {
        using var none = With(_ => { });
        using var two = With(o => (o.PolicyJson, o.PolicyPath) = (Candidate("opt"), "candidate.json"));

        Assert.Contains("Hitl shadow candidate: $: Give exactly one policy source: PolicyPath, PolicyJson or Policy (0 given).", Assert.Single(StartCheck.Failures(none)), StringComparison.Ordinal);
        Assert.Contains("(2 given)", Assert.Single(StartCheck.Failures(two)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_candidate_file_is_named()
    {
        using var provider = With(o => o.PolicyPath = "no-such-candidate.json");

        Assert.Contains("no-such-candidate.json", Assert.Single(StartCheck.Failures(provider)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_settings_bind_from_configuration_and_a_bad_value_or_key_is_named_with_its_key()
    {
        var good = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hitl:Shadow:PolicyJson"] = Candidate("opt"),
            ["Hitl:Shadow:SampleRate"] = "0.25",
            ["Hitl:Shadow:Capacity"] = "128",
            ["Hitl:Shadow:FlushInterval"] = "PT5S",
        }).Build();
        var services = new ServiceCollection();
        services.AddHitlPolicy(o => o.PolicyJson = Active("opt")).AddShadowPolicy(good.GetSection("Hitl:Shadow"));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptionsMonitor<ShadowPolicyOptions>>().Get("Hitl.Policy:" + typeof(Signals).FullName);
        Assert.Equal((0.25, 128, TimeSpan.FromSeconds(5)), (options.SampleRate, options.Capacity, options.FlushInterval));
        Assert.NotNull(provider.GetRequiredService<LiveShadow<Signals>>());

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hitl:Shadow:PolicyJson"] = Candidate("opt"),
            ["Hitl:Shadow:SampleRate"] = "lots",
            ["Hitl:Shadow:Capacity"] = "1e3",
            ["Hitl:Shadow:FlushInterval"] = "soon",
            ["Hitl:Shadow:RecordFile"] = "x.jsonl",
        }).Build();
        var badServices = new ServiceCollection();
        badServices.AddHitlPolicy(o => o.PolicyJson = Active("opt")).AddShadowPolicy(bad.GetSection("Hitl:Shadow"));
        using var badProvider = badServices.BuildServiceProvider();

        var failures = StartCheck.Failures(badProvider);

        Assert.Contains("Hitl shadow candidate: Hitl:Shadow:SampleRate: 'lots' is not a number (write a share from 0 to 1, such as 0.25).", failures);
        Assert.Contains("Hitl shadow candidate: Hitl:Shadow:Capacity: '1e3' is not a whole number.", failures);
        Assert.Contains(failures, f => f.StartsWith("Hitl shadow candidate: Hitl:Shadow:FlushInterval: 'soon' is not a duration", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Hitl shadow candidate: Hitl:Shadow:RecordFile: is not a setting of the shadow policy (known: Capacity, FlushInterval, PolicyJson, PolicyPath, RecordPath, SampleRate)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_policy_made_in_code_is_a_candidate_too()
    {
        var definition = Hitl.Policy.PolicyJson.Parse(Candidate("opt", "in-code"));
        using var provider = With(o => o.Policy = definition);
        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal("in-code", provider.GetRequiredService<LiveShadow<Signals>>().Candidate.PolicyVersion);
    }
}
