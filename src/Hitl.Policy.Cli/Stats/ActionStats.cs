using Hitl.Policy.Audit;

namespace Hitl.Policy.Cli.Stats;

/// <summary>The figures of <c>hitl audit stats</c> for one action type, or for all of them together.</summary>
internal sealed class ActionStats
{
    /// <summary>The acts counted as review observedCases, in the order they are shown, with their names.</summary>
    public static readonly (ActKind Act, string Name)[] OutcomeActs =
    [
        (ActKind.Approved, "approved"),
        (ActKind.Edited, "edited"),
        (ActKind.Rejected, "rejected"),
        (ActKind.Escalated, "escalated"),
        (ActKind.TimedOut, "timed-out"),
        (ActKind.Overridden, "overridden"),
        (ActKind.Reversed, "reversed"),
        (ActKind.Contested, "contested"),
        (ActKind.AuditPassed, "audit-passed"),
        (ActKind.AuditFailed, "audit-failed"),
    ];

    private readonly List<TimeSpan> _firstAnswers = [];

    public ActionStats(string actionType)
    {
        ActionType = actionType;
    }

    public string ActionType { get; }

    /// <summary>Cases with a decision.</summary>
    public int Decisions { get; private set; }

    /// <summary>Decisions per route, indexed by <see cref="RouteLevel"/>.</summary>
    public int[] Routes { get; } = new int[Enum.GetValues<RouteLevel>().Length];

    /// <summary>Cases decided as escalate, or escalated by a reviewer.</summary>
    public int Escalated { get; private set; }

    /// <summary>Cases with at least one act of each kind in <see cref="OutcomeActs"/>, by index.</summary>
    public int[] Outcomes { get; } = new int[OutcomeActs.Length];

    /// <summary>Cases that a reviewer answered (approve, edit, reject or escalate).</summary>
    public int Answered => _firstAnswers.Count;

    /// <summary>
    /// The median time from the decision to the first reviewer answer (approve, edit, reject or escalate);
    /// <see langword="null"/> when no case was answered. Time-outs and after-the-fact acts are not answers.
    /// </summary>
    public TimeSpan? MedianFirstAnswer => Percentile(0.5);

    /// <summary>The 90th percentile of the same times.</summary>
    public TimeSpan? P90FirstAnswer => Percentile(0.9);

    /// <summary>The share of decisions that went to a higher tier; <see langword="null"/> without decisions.</summary>
    public double? EscalationRate => Decisions == 0 ? null : (double)Escalated / Decisions;

    /// <summary>Counts one decided case.</summary>
    /// <param name="route">The route decided.</param>
    /// <param name="escalated">Decided as escalate, or escalated by a reviewer.</param>
    /// <param name="outcomes">Bit i set when the case has an act of <see cref="OutcomeActs"/>[i].</param>
    /// <param name="firstAnswer">From the decision to the first reviewer answer, when there was one.</param>
    public void Add(RouteLevel route, bool escalated, int outcomes, TimeSpan? firstAnswer)
    {
        Decisions++;
        Routes[(int)route]++;
        if (escalated)
        {
            Escalated++;
        }

        for (var i = 0; i < OutcomeActs.Length; i++)
        {
            if ((outcomes & (1 << i)) != 0)
            {
                Outcomes[i]++;
            }
        }

        if (firstAnswer is { } answer)
        {
            _firstAnswers.Add(answer);
        }
    }

    private TimeSpan? Percentile(double p)
    {
        if (_firstAnswers.Count == 0)
        {
            return null;
        }

        // Nearest rank on the sorted times; for an even count the median is the mean of the middle two.
        var sorted = _firstAnswers.Order().ToList();
        if (p == 0.5 && sorted.Count % 2 == 0)
        {
            var upper = sorted.Count / 2;
            return (sorted[upper - 1] + sorted[upper]) / 2;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
