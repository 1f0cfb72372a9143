using Hitl.Policy.Audit;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Tests.Feedback.Bias;

/// <summary>Observed cases built directly (no trail), for the segment report's tests.</summary>
internal static class SegmentCases
{
    private static long _next;

    public static ObservedCase Case(string actionType, RouteLevel route, IReadOnlyDictionary<string, string> segments, params ActKind[] acts)
    {
        var id = "c" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var at = TrailWriter.Start;
        return new ObservedCase
        {
            CaseId = id,
            ActionType = actionType,
            Route = route,
            DecidedAt = at,
            Verdict = Verdict.NoVerdict, // the segment report reads the acts, not the verdict
            Segments = segments,
            Acts = [.. acts.Select((kind, i) => new RecordedAct(kind, "ana", "t1", null, at.AddMinutes(i + 1), TimeSpan.FromMinutes(i + 1)))],
        };
    }

    public static IReadOnlyDictionary<string, string> Segments(params (string Name, string Value)[] segments) =>
        segments.ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal).AsReadOnly();

    /// <summary>
    /// One segment value's cases: <paramref name="auto"/> auto-executed, then reviewed cases answered approved,
    /// rejected, and left unanswered.
    /// </summary>
    public static IEnumerable<ObservedCase> Group(string actionType, string segment, string value, int auto, int approved, int rejected, int unanswered = 0)
    {
        var segments = Segments((segment, value));
        for (var i = 0; i < auto; i++)
        {
            yield return Case(actionType, RouteLevel.AutoExecute, segments);
        }

        for (var i = 0; i < approved; i++)
        {
            yield return Case(actionType, RouteLevel.Review, segments, ActKind.Approved);
        }

        for (var i = 0; i < rejected; i++)
        {
            yield return Case(actionType, RouteLevel.Review, segments, ActKind.Rejected);
        }

        for (var i = 0; i < unanswered; i++)
        {
            yield return Case(actionType, RouteLevel.Review, segments);
        }
    }

    /// <summary>
    /// A simulated trail: <paramref name="perValue"/> cases for each value of <c>region</c>; a case auto-executes with
    /// its value's auto rate, else goes to review where it is answered (approved, or edited one time in five of those)
    /// with its value's approval rate, else rejected; 5% of reviews stay unanswered.
    /// </summary>
    public static List<ObservedCase> Simulate(Random random, int perValue, IReadOnlyList<(string Value, double Auto, double Approval)> values)
    {
        var cases = new List<ObservedCase>(perValue * values.Count);
        foreach (var (value, autoRate, approvalRate) in values)
        {
            var segments = Segments(("region", value));
            for (var i = 0; i < perValue; i++)
            {
                if (random.NextDouble() < autoRate)
                {
                    cases.Add(Case("refund.issue", RouteLevel.AutoExecute, segments));
                }
                else if (random.NextDouble() < 0.05)
                {
                    cases.Add(Case("refund.issue", RouteLevel.Review, segments));
                }
                else
                {
                    var answer = random.NextDouble() < approvalRate ? (random.Next(5) == 0 ? ActKind.Edited : ActKind.Approved) : ActKind.Rejected;
                    cases.Add(Case("refund.issue", RouteLevel.Review, segments, answer));
                }
            }
        }

        return cases;
    }
}
