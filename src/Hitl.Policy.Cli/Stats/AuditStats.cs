using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Cli.Stats;

/// <summary>What <c>hitl audit stats</c> counts in a trail: the cases read by <see cref="AuditOutcomes"/>, per action type and in all.</summary>
internal sealed class AuditStats
{
    private AuditStats(AuditFile file, OutcomeSet outcomes, IReadOnlyList<ActionStats> actions, ActionStats all)
    {
        File = file;
        OutcomeSet = outcomes;
        Actions = actions;
        All = all;
    }

    public AuditFile File { get; }

    public OutcomeSet OutcomeSet { get; }

    /// <summary>The figures per action type, by action type.</summary>
    public IReadOnlyList<ActionStats> Actions { get; }

    /// <summary>The figures over every action type.</summary>
    public ActionStats All { get; }

    public static AuditStats Build(AuditFile file)
    {
        var outcomes = AuditOutcomes.Collect(file.Records);
        var all = new ActionStats("all");
        var byAction = new SortedDictionary<string, ActionStats>(StringComparer.Ordinal);
        foreach (var outcome in outcomes.Outcomes)
        {
            if (!byAction.TryGetValue(outcome.ActionType, out var stats))
            {
                byAction[outcome.ActionType] = stats = new ActionStats(outcome.ActionType);
            }

            stats.Add(outcome);
            all.Add(outcome);
        }

        return new AuditStats(file, outcomes, [.. byAction.Values], all);
    }
}
