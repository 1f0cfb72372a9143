using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Laws;

/// <summary>DESIGN semantics 6: same policy version and signals (and request id) give the same decision, everywhere.</summary>
public class DeterminismLaws
{
    private static readonly CompiledPolicy<Signals> First = OperationsPolicy.Compile();

    private static readonly CompiledPolicy<Signals> Second = OperationsPolicy.Compile();

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(AnyCase)])]
    public void Same_signals_same_decision_across_calls_and_compilations(OperationsCase c)
    {
        var a = First.Route(c.ToSignals());
        Assert.Equal(a, First.Route(c.ToSignals()));
        Assert.Equal(a, Second.Route(c.ToSignals()));
        Assert.Equal(a, First.Explain(c.ToSignals()).Decision);
    }

    [Fact]
    public void Decisions_run_in_parallel_equal_decisions_run_alone()
    {
        var policy = OperationsPolicy.Compile();
        var cases = CaseGen.Case().Sample(2000, seed: 7).Select(c => c.ToSignals()).ToArray();
        var alone = cases.Select(c => policy.Route(c)).ToArray();
        var parallel = new Decision[cases.Length];
        Parallel.For(0, cases.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = policy.Route(cases[i]));
        Assert.Equal(alone, parallel);
    }
}
