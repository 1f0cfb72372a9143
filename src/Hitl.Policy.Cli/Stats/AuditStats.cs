using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Cli.Stats;

/// <summary>What <c>hitl audit stats</c> counts in a trail: the cases read by <see cref="ObservedCases"/>, per action type and in all.</summary>
internal sealed class AuditStats
{
    private AuditStats(AuditFile file, ObservedCaseSet observedCases, IReadOnlyList<ActionStats> actions, ActionStats all)
    {
        File = file;
        ObservedCaseSet = observedCases;
        Actions = actions;
        All = all;
    }

    public AuditFile File { get; }

    public ObservedCaseSet ObservedCaseSet { get; }

    /// <summary>The figures per action type, by action type.</summary>
    public IReadOnlyList<ActionStats> Actions { get; }

    /// <summary>The figures over every action type.</summary>
    public ActionStats All { get; }

    public static AuditStats Build(AuditFile file)
    {
        var observedCases = ObservedCases.Collect(file.Records);
        var all = new ActionStats("all");
        var byAction = new SortedDictionary<string, ActionStats>(StringComparer.Ordinal);
        foreach (var observedCase in observedCases.Cases)
        {
            if (!byAction.TryGetValue(observedCase.ActionType, out var stats))
            {
                byAction[observedCase.ActionType] = stats = new ActionStats(observedCase.ActionType);
            }

            stats.Add(observedCase);
            all.Add(observedCase);
        }

        return new AuditStats(file, observedCases, [.. byAction.Values], all);
    }
}
