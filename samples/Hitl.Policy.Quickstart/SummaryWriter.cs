using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Feedback;
using Hitl.Policy.Review;

namespace Hitl.Policy.Quickstart;

/// <summary>Prints the summary a person wants after the run, from the trail's own records.</summary>
internal sealed class SummaryWriter(TextWriter output)
{
    /// <summary>The agreement the auto path must show; lower than the library's 99% default so a few thousand outputs can say something.</summary>
    public const double CalibrationTarget = 0.97;

    /// <summary>The fewest judged cases before a threshold is even considered.</summary>
    public const int CalibrationMinimumSample = 100;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public void Routes(TrailSummary summary)
    {
        Heading("Routes by action type");
        var header = $"  {"action type",-17}{"decisions",10}";
        foreach (var route in TrailSummary.Routes)
        {
            header += $"{ShortName(route),16}";
        }

        output.WriteLine(header + $"{"sampled",9}");
        foreach (var (action, routes) in summary.RoutesByAction)
        {
            var total = routes.Values.Sum();
            output.WriteLine(Row(action, total, r => routes.GetValueOrDefault(r), summary.SampledByAction.GetValueOrDefault(action)));
        }

        output.WriteLine(Row("all", summary.Decisions, summary.Count, summary.SampledByAction.Values.Sum()));
        var toPerson = summary.Count(RouteLevel.Review) + summary.Count(RouteLevel.Escalate);
        // Cases that started below the top of the ladder and were passed up afterwards, by a person or by a lapsed deadline.
        var later = summary.EscalatedByReviewer.Union(summary.EscalatedByTimeout, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        later.ExceptWith(summary.EscalatedAtDecision);
        var byReviewer = later.Count(summary.EscalatedByReviewer.Contains);
        var byTimeout = later.Count(summary.EscalatedByTimeout.Contains);
        var both = byReviewer + byTimeout - later.Count;
        var reachedHigherTier = later.Count + summary.EscalatedAtDecision.Count;
        output.WriteLine();
        output.WriteLine(string.Create(Invariant, $"  Ran on their own: {Share(summary.Count(RouteLevel.AutoExecute) + summary.Count(RouteLevel.AutoExecuteWithNotice), summary.Decisions)}; stopped for a person: {Share(toPerson, summary.Decisions)}; blocked: {Share(summary.Count(RouteLevel.Block), summary.Decisions)}."));
        output.WriteLine(string.Create(Invariant, $"  Escalation rate: {Percent(summary.Count(RouteLevel.Escalate), summary.Decisions)} of decisions went straight to a higher tier; {later.Count:N0} more cases were escalated later"));
        output.WriteLine(string.Create(Invariant, $"  (passed up by a reviewer: {byReviewer:N0}, after a deadline passed: {byTimeout:N0}{(both > 0 ? $", both: {both:N0}" : "")}); in all {Share(reachedHigherTier, summary.Decisions)} of cases reached a higher tier."));
    }

    public void Reviews(TrailSummary summary)
    {
        Heading("Reviews by tier and outcome (one line per act on the trail)");
        var header = $"  {"tier",-17}";
        foreach (var act in TrailSummary.ReviewActs)
        {
            header += $"{ActName(act),15}";
        }

        output.WriteLine(header);
        var tiers = summary.ActsByTier.Keys.Select(k => k.Tier).Distinct(StringComparer.Ordinal).OrderBy(TierOrder).ToList();
        foreach (var tier in tiers)
        {
            var row = $"  {tier,-17}";
            foreach (var act in TrailSummary.ReviewActs)
            {
                row += $"{summary.ActsByTier.GetValueOrDefault((tier, act)),15:N0}";
            }

            output.WriteLine(row);
        }
    }

    public void Timeouts(TrailSummary summary)
    {
        Heading("Timeouts");
        var total = summary.TimeoutFallbacks.Values.Sum();
        output.WriteLine(string.Create(Invariant,
            $"  {total:N0} reviews passed their deadline: {summary.TimeoutFallbacks.GetValueOrDefault(RouteLevel.Escalate):N0} fell back to escalate (the next tier got the ticket), {summary.TimeoutFallbacks.GetValueOrDefault(RouteLevel.Block):N0} fell back to block. None was approved by default."));
    }

    public void KillSwitchAndContest(TrailSummary summary, string? contestedCase)
    {
        Heading("Kill switch and contest");
        foreach (var record in summary.KillSwitchRecords)
        {
            var entry = record.Entry;
            var what = entry.Act == ActKind.KillSwitchEngaged ? "engaged" : "released";
            output.WriteLine(string.Create(Invariant, $"  #{record.Sequence,-6} {entry.At:ddd HH:mm} kill switch for {entry.ActionType ?? "everything"} {what} by {entry.Actor}: {entry.Reason}"));
        }

        if (summary.KillSwitchRecords.Count >= 2)
        {
            var (decisions, auto) = summary.UnderKillSwitch;
            output.WriteLine(string.Create(Invariant,
                $"  While it was on: {decisions:N0} {summary.KillSwitchRecords[0].Entry.ActionType} decisions, {auto:N0} of them ran on their own; the rest waited for a person."));
            output.WriteLine(string.Create(Invariant,
                $"  {summary.Held:N0} approvals given while it was on were held, not run; {summary.HeldThenRan:N0} of them ran after the release."));
        }

        if (summary.Contests.Count == 0 || contestedCase is null)
        {
            output.WriteLine("  No rejected loan to contest in this run.");
            return;
        }

        var contest = summary.Contests[0];
        output.WriteLine(string.Create(Invariant, $"  #{contest.Sequence,-6} {contest.Entry.At:ddd HH:mm} case {contestedCase}, rejected, contested by its subject {contest.Entry.Actor}: \"{contest.Entry.Reason}\""));
        var decisive = summary.AfterContest.FirstOrDefault(r => r.Sequence > contest.Sequence && r.Entry.Act is ActKind.Approved or ActKind.Edited or ActKind.Rejected or ActKind.TimedOut);
        output.WriteLine(decisive is null
            ? "          no one has decided it again yet"
            : string.Create(Invariant, $"  #{decisive.Sequence,-6} {decisive.Entry.At:ddd HH:mm} looked at again by {decisive.Entry.Actor} ({decisive.Entry.ActorTier ?? "system"}), who did not decide it before: {ActName(decisive.Entry.Act)}"));
    }

    public void Explain(DecisionTrace? trace)
    {
        Heading("Explain trace of one escalated case");
        if (trace is null)
        {
            output.WriteLine("  (no case in this run was escalated with three or more rules firing)");
            return;
        }

        foreach (var traceLine in trace.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            output.WriteLine("  " + traceLine.TrimEnd('\r'));
        }
    }

    public void Calibration(CalibrationReport report)
    {
        Heading(string.Create(Invariant, $"Calibration: does the evidence back the auto-execute thresholds? (target {report.Target:0%} agreement at {report.Confidence:0%} confidence, at least {report.MinimumSample} judged cases)"));
        output.WriteLine($"  {"action type",-17}{"volume",7}  {"agreement, all judged",-24}{"at or above the threshold now",-32}{"silent failures",-17}threshold now -> recommended");
        foreach (var action in report.Actions)
        {
            var rec = action.Recommendation;
            var all = action.Agreement;
            var agreement = all.Rate is { } rate ? string.Create(Invariant, $"{rate:0.0%} (n={all.Trials:N0})") : "none judged";
            var above = rec.CurrentAgreement is { Rate: not null } current ? current.ToString() : "-";
            var audit = action.AutoPathError;
            var silent = audit.Trials == 0 ? "none audited" : string.Create(Invariant, $"{audit.Successes} of {audit.Trials} audits");
            var now = rec.CurrentThreshold is { } c ? c.ToString("0.00", Invariant) : "-";
            var next = rec.ProposedThreshold is { } t ? t.ToString("0.00", Invariant) : rec.Kind == RecommendationKind.Tighten ? "no auto-execute" : now;
            output.WriteLine(string.Create(Invariant, $"  {action.ActionType,-17}{action.Volume,7:N0}  {agreement,-24}{above,-32}{silent,-17}{now} -> {next} ({Kind(rec.Kind)})"));
        }

        output.WriteLine("  Nothing is applied: a change of threshold is a policy change a person approves (PolicyProposer shows it as a diff).");
    }

    /// <summary>
    /// Outcomes by language: how often the policy let each language's outputs run on their own, and how often reviewers
    /// approved them; then the disparity findings and how to read them.
    /// </summary>
    public void Bias(SegmentReport report, string trailPath)
    {
        Heading(string.Create(Invariant, $"Bias by segment: language (the policy's auto-execute rate and the reviewers' approval rate, 95% intervals; a finding is below {report.FourFifths:0.##} x the best-treated language and significant after Holm over {report.Tests} tests)"));
        output.WriteLine($"  {"action type",-17}{"language",-10}{"cases",6}  {"auto-executed",-24}approved by reviewers");
        foreach (var row in report.Segments.Where(r => r.Segment == QuickstartApp.LanguageSegment))
        {
            output.WriteLine(string.Create(Invariant, $"  {row.ActionType,-17}{row.Value,-10}{row.Cases,6:N0}  {Rate(row.AutoExecuted),-24}{Rate(row.Approved)} (n={row.Approved.Trials:N0})"));
        }

        foreach (var finding in report.Findings)
        {
            var who = finding.Source == DisparitySource.Automated ? "the policy (the automated route)" : "the reviewers";
            output.WriteLine(string.Create(Invariant,
                $"  FINDING, made by {who}: {finding.ActionType} in {finding.Value}: {finding.Outcome} {finding.Rate:0.0%} (n={finding.Trials:N0}) against {finding.ReferenceRate:0.0%} (n={finding.ReferenceTrials:N0}) in {finding.ReferenceValue}, ratio {finding.Ratio:0.00}, Holm-adjusted p = {finding.AdjustedPValue:0.####}"));
        }

        if (report.Findings.Count == 0)
        {
            output.WriteLine("  No finding: no language is treated markedly and significantly worse than another.");
        }

        output.WriteLine("  Planted in this simulation: on half of the Spanish-language outputs the model reports 0.05 less confidence than it has,");
        output.WriteLine("  while it is wrong no more often, so more of them wait for a person. A finding says a rate differs, not why, nor that");
        output.WriteLine("  anyone was harmed: a person decides whether it is a real risk signal or an inequity to fix (in the model, the policy");
        output.WriteLine("  or the reviewers). Every section of the oversight report, reviewers and drift included:");
        output.WriteLine("  dotnet run --project src/Hitl.Policy.Cli -- oversight \"" + trailPath + "\"");
    }

    private static string Rate(RateEstimate estimate) => estimate.Rate is { } rate
        ? string.Create(Invariant, $"{rate:0.0%} [{estimate.Lower:0.0%}, {estimate.Upper:0.0%}]")
        : "-";

    public void Problems(IReadOnlyList<string> refusals, IReadOnlyList<string> pending)
    {
        if (refusals.Count == 0 && pending.Count == 0)
        {
            return;
        }

        Heading("Problems");
        foreach (var refusal in refusals.Take(10))
        {
            output.WriteLine("  refused: " + refusal);
        }

        if (pending.Count > 0)
        {
            output.WriteLine(string.Create(Invariant, $"  {pending.Count:N0} cases are still pending: {string.Join(", ", pending.Take(5))}"));
        }
    }

    public void Restart(Restart restart, string databasePath)
    {
        Heading("Restart");
        var decided = restart.OutcomesAfter.Count(s => s is not (CaseState.Pending or CaseState.Held));
        output.WriteLine(string.Create(Invariant,
            $"  At output {restart.AtOutput + 1:N0} ({restart.At:ddd HH:mm}) the gate was disposed with {restart.Before.Count:N0} cases waiting for people; a new gate on {databasePath} found {restart.CarriedOver.Count:N0} of them."));
        output.WriteLine(string.Create(Invariant,
            $"  Carried over: {restart.CarriedOver.Count:N0}; decided after the restart: {decided:N0} ({Count(restart, CaseState.Approved)} approved, {Count(restart, CaseState.Rejected)} rejected, {Count(restart, CaseState.Blocked)} blocked at their deadline); lost: {restart.Before.Except(restart.CarriedOver, StringComparer.Ordinal).Count():N0}."));
    }

    public void Trail(string? databasePath, string path, AuditVerification verification, TimeSpan simulated, TimeSpan elapsed)
    {
        Heading("Audit trail");
        if (databasePath is not null)
        {
            output.WriteLine(string.Create(Invariant, $"  Cases and trail in {databasePath}; the trail exported as JSON Lines:"));
        }

        output.WriteLine(string.Create(Invariant, $"  Written to {path}"));
        output.WriteLine(verification.IsIntact
            ? string.Create(Invariant, $"  Chain verified: {verification.RecordCount:N0} records, every link intact.")
            : string.Create(Invariant, $"  Chain BROKEN at record {verification.FirstBrokenSequence} (line {verification.FirstBrokenLine}): {verification.Problem}"));
        output.WriteLine(string.Create(Invariant, $"  Check it yourself: dotnet run --project src/Hitl.Policy.Cli -- audit verify \"{path}\""));
        output.WriteLine();
        output.WriteLine(string.Create(Invariant, $"Simulated {simulated.TotalHours:0.0} hours of operations in {elapsed.TotalSeconds:0.0} s."));
    }

    private static int Count(Restart restart, CaseState state) => restart.OutcomesAfter.Count(s => s == state);

    private static string Kind(RecommendationKind kind) => kind switch
    {
        RecommendationKind.Loosen => "loosen: more autonomy is backed",
        RecommendationKind.Tighten => "tighten: the auto path misses the target",
        RecommendationKind.Hold => "hold",
        _ => "not enough evidence yet",
    };

    private static string Row(string label, int total, Func<RouteLevel, int> count, int sampled)
    {
        var row = $"  {label,-17}{total,10:N0}";
        foreach (var route in TrailSummary.Routes)
        {
            var k = count(route);
            row += string.Create(Invariant, $"{k,7:N0} {Percent(k, total),6}").PadLeft(16);
        }

        return row + $"{sampled,9:N0}";
    }

    private static string ShortName(RouteLevel route) => route == RouteLevel.AutoExecuteWithNotice ? "with notice" : route.ToJsonName();

    private static string ActName(ActKind act) => act switch
    {
        ActKind.Approved => "approved",
        ActKind.Edited => "edited",
        ActKind.Rejected => "rejected",
        ActKind.Escalated => "escalated",
        ActKind.AuditPassed => "audit passed",
        ActKind.AuditFailed => "audit failed",
        _ => "timed out",
    };

    private static int TierOrder(string tier) => tier switch { "agent" => 0, "senior" => 1, "director" => 2, _ => 3 };

    private static string Share(int part, int whole) => string.Create(Invariant, $"{part:N0} ({Percent(part, whole)})");

    private static string Percent(int part, int whole) => whole == 0 ? "-" : string.Create(Invariant, $"{100.0 * part / whole:0.0}%");

    private void Heading(string text)
    {
        output.WriteLine();
        output.WriteLine(text);
    }
}
