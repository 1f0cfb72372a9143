namespace Hitl.Policy.Benchmarks.Scenarios;

/// <summary>Checks that the compiled policy and the hand-written baseline decide the same on every input.</summary>
public static class Equivalence
{
    /// <summary>The inputs on which the two differ, described; empty when they agree everywhere.</summary>
    /// <param name="policy">The compiled operations policy.</param>
    /// <param name="inputs">The requests.</param>
    /// <param name="killSwitch">The kill switch both obey.</param>
    /// <param name="limit">How many differences to describe at most.</param>
    public static IReadOnlyList<string> Differences(
        IEscalationPolicy<OperationRequest> policy, IReadOnlyList<OperationRequest> inputs, KillSwitch killSwitch, int limit = 10)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(inputs);
        var differences = new List<string>();
        for (var i = 0; i < inputs.Count && differences.Count < limit; i++)
        {
            var input = inputs[i];
            var decision = policy.Route(in input);
            var expected = HandWrittenOperations.Route(in input, killSwitch);
            if (!expected.Matches(in decision))
            {
                differences.Add($"input {i} ({input}): engine says {decision}, deadline {decision.ReviewDeadline?.Ticks ?? 0}; hand-written says {expected}");
            }
        }

        return differences;
    }

    /// <summary>Throws when the two differ on any input.</summary>
    /// <param name="policy">The compiled operations policy.</param>
    /// <param name="inputs">The requests.</param>
    /// <param name="killSwitch">The kill switch both obey.</param>
    public static void Require(IEscalationPolicy<OperationRequest> policy, IReadOnlyList<OperationRequest> inputs, KillSwitch killSwitch)
    {
        var differences = Differences(policy, inputs, killSwitch);
        if (differences.Count > 0)
        {
            throw new InvalidOperationException(
                "The compiled policy and the hand-written baseline disagree:" + Environment.NewLine + string.Join(Environment.NewLine, differences));
        }
    }
}
