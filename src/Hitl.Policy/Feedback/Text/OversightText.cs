using System.Globalization;
using System.Text;

namespace Hitl.Policy.Feedback;

/// <summary>Renders an <see cref="OversightReport"/> as plain text.</summary>
internal static class OversightText
{
    public static string Render(OversightReport report)
    {
        var text = new StringBuilder("Reviewers\n");
        var reviewers = new TextTable("reviewer", "reviews", "agreement", "override", "escalate", "median s", "p90 s", "approved, later overridden");
        foreach (var r in report.Reviewers)
        {
            reviewers.Row(r.Reviewer, TextTable.Count(r.Reviews), TextTable.Percent(r.AgreementRate), TextTable.Percent(r.OverrideRate), TextTable.Percent(r.EscalationRate),
                TextTable.Number(r.MedianReviewSeconds, "0.#"), TextTable.Number(r.P90ReviewSeconds, "0.#"), TextTable.Count(r.ApprovalsLaterOverridden));
        }

        reviewers.WriteTo(text);
        text.Append("\nRules\n");
        var rules = new TextTable("rule", "cases", "judged", "agreement", "override", "escalated", "median s");
        foreach (var r in report.Rules)
        {
            rules.Row(r.RuleId, TextTable.Count(r.Cases), TextTable.Count(r.Judged), TextTable.Percent(r.AgreementRate), TextTable.Percent(r.OverrideRate),
                TextTable.Percent(r.EscalationFrequency), TextTable.Number(r.MedianReviewSeconds, "0.#"));
        }

        rules.WriteTo(text);
        text.Append("\nRubber stamps (").Append(report.RubberStampCriterion).Append(")\n");
        foreach (var finding in report.RubberStamps)
        {
            text.Append("  FLAG ").Append(TextTable.Escape(finding.Reason)).Append('\n');
        }

        if (report.RubberStamps.Count == 0)
        {
            text.Append("  none\n");
        }

        text.Append("\nDrift (").Append(report.DriftTest).Append(")\n");
        foreach (var drift in report.Drifts)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  FLAG {drift.Scope} {TextTable.Escape(drift.Key)}: override rate {string.Join(" -> ", drift.Windows.Select(w => TextTable.Percent(w.Rate)))}; z = {drift.Z:0.00} >= {drift.CriticalZ:0.00}\n");
        }

        if (report.Drifts.Count == 0)
        {
            text.Append("  none\n");
        }

        text.Append("\nAuto path (").Append(report.AutoPathTest).Append(")\n");
        var auto = new TextTable("action type", "audited", "failed", "error rate", "bound", "");
        foreach (var a in report.AutoPath)
        {
            auto.Row(a.ActionType, TextTable.Count(a.Errors.Trials), TextTable.Count(a.Errors.Successes), TextTable.Interval(a.Errors), TextTable.Percent(a.Bound), a.Flagged ? "FLAG" : "");
        }

        if (report.AutoPath.Count == 0)
        {
            text.Append("  no audited automatic decisions\n");
        }
        else
        {
            auto.WriteTo(text);
        }

        if (report.Bias is { } bias)
        {
            text.Append('\n').Append(bias.ToText());
        }

        return text.ToString();
    }
}
