using FsCheck.Xunit;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Tests.Laws;

/// <summary>Deterministic audit sampling: same id, same answer; the sampled share lands near the configured rate.</summary>
public class SamplingLaws
{
    private static readonly CompiledPolicy<Signals> First = Policy(0.2, SamplingMode.Review);

    private static readonly CompiledPolicy<Signals> Second = Policy(0.2, SamplingMode.Review);

    private static CompiledPolicy<Signals> Policy(double rate, SamplingMode mode) =>
        new PolicyBuilder("sampling", "1")
            .Defaults(d => d.ConfidenceBand("sure", 0.8, 1, RouteLevel.AutoExecute).ConfidenceBand("unsure", 0, 0.8, RouteLevel.Review))
            .Action("refund.issue", a => a.Sample(rate, mode))
            .Compile(Signals.Schema([]));

    private static Signals Refund(string requestId) => new()
    {
        ActionType = "refund.issue", RequestId = requestId, Confidence = 0.95, Reversibility = Reversibility.Reversible,
    };

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    [InlineData(0.10)]
    [InlineData(0.50)]
    public void The_sampled_share_lands_within_a_statistical_bound_of_the_rate(double rate)
    {
        const int n = 40_000;
        var policy = Policy(rate, SamplingMode.Flag);
        var ids = new System.Random(20261123);
        var sampled = 0;
        for (var i = 0; i < n; i++)
        {
            var id = new Guid(ids.GetItems(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 16)).ToString();
            sampled += policy.Route(Refund(id)).IsSampledForAudit ? 1 : 0;
        }

        // Five standard deviations of a binomial share: fails by chance about once in 3.5 million runs.
        var bound = 5 * Math.Sqrt(rate * (1 - rate) / n);
        Assert.InRange(sampled / (double)n, rate - bound, rate + bound);
    }

    [Property(MaxTest = 3000)]
    public void The_same_request_id_always_gets_the_same_answer(Guid requestId)
    {
        var id = requestId.ToString();
        var a = First.Route(Refund(id));
        Assert.Equal(a, First.Route(Refund(id)));
        Assert.Equal(a, Second.Route(Refund(id)));
        Assert.Equal(a.IsSampledForAudit ? RouteLevel.Review : RouteLevel.AutoExecute, a.Route);
    }

    [Fact]
    public void Sampling_is_the_same_on_every_machine()
    {
        // Pinned values: the hash reads UTF-16 code units, not string.GetHashCode() (which differs per process).
        var policy = Policy(0.5, SamplingMode.Flag);
        var sampled = Enumerable.Range(0, 16).Select(i => policy.Route(Refund("request-" + i)).IsSampledForAudit ? '1' : '0');
        Assert.Equal(GoldenSample, string.Concat(sampled));
    }

    [Fact]
    public void Review_mode_sends_a_drawn_auto_execute_to_review_and_says_so()
    {
        var policy = Policy(1.0, SamplingMode.Review);
        var decision = policy.Route(Refund("any"));
        Assert.Equal(RouteLevel.Review, decision.Route);
        Assert.Equal(BuiltInRules.AuditSample, decision.DecidedBy);
        Assert.True(decision.IsSampledForAudit);
    }

    [Fact]
    public void Decisions_that_already_need_a_person_are_not_drawn()
    {
        var policy = Policy(1.0, SamplingMode.Flag);
        var unsure = Refund("x");
        unsure.Confidence = 0.5;
        Assert.False(policy.Route(unsure).IsSampledForAudit);
        Assert.True(policy.Route(Refund("x")).IsSampledForAudit);
    }

    private const string GoldenSample = "0010011110001100";
}
