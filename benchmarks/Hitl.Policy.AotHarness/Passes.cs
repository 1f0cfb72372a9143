using Hitl.Policy.Benchmarks.Scenarios;

namespace Hitl.Policy.AotHarness;

/// <summary>One pass over a scenario's inputs per method: the bodies of the benchmark project's benchmarks.</summary>
internal static class Passes
{
    public static int HandWritten(OperationRequest[] inputs, KillSwitch killSwitch)
    {
        var sum = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            var decision = HandWrittenOperations.Route(in inputs[i], killSwitch);
            sum += (int)decision.Route + decision.Tier + decision.Approvals;
        }

        return sum;
    }

    public static int Route(CompiledPolicy<OperationRequest> policy, OperationRequest[] inputs)
    {
        var sum = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            var decision = policy.Route(in inputs[i]);
            sum += (int)decision.Route + decision.RequiredTierRank + decision.RequiredApprovals;
        }

        return sum;
    }

    public static int IfChain(RouteOnlyRequest[] inputs)
    {
        var sum = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            sum += (int)RouteOnlyHandWritten.Route(in inputs[i]);
        }

        return sum;
    }

    public static int RouteOnly(CompiledPolicy<RouteOnlyRequest> policy, RouteOnlyRequest[] inputs)
    {
        var sum = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            sum += (int)policy.Route(in inputs[i]).Route;
        }

        return sum;
    }
}
