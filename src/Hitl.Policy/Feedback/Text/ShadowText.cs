using System.Globalization;
using System.Text;

namespace Hitl.Policy.Feedback;

/// <summary>Renders a <see cref="ShadowReport"/> as plain text.</summary>
internal static class ShadowText
{
    public static string Render(ShadowReport report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"Shadow: candidate {report.CandidatePolicy} beside active {report.ActivePolicy}: {report.Differing} of {report.Observed} cases differ\n\n");
        var table = new TextTable("action type", "cases", "differ", "looser", "stricter", "tier", "faults", "looser: agreed/overridden", "stricter: agreed/overridden");
        foreach (var a in report.Actions)
        {
            table.Row(a.ActionType, TextTable.Count(a.Observed), TextTable.Count(a.Differing), TextTable.Count(a.CandidateLooser), TextTable.Count(a.CandidateStricter),
                TextTable.Count(a.TierOnly), TextTable.Count(a.CandidateFaults),
                string.Create(CultureInfo.InvariantCulture, $"{a.LooserVerdicts.Agreed}/{a.LooserVerdicts.Overridden}"),
                string.Create(CultureInfo.InvariantCulture, $"{a.StricterVerdicts.Agreed}/{a.StricterVerdicts.Overridden}"));
        }

        table.WriteTo(text);
        if (report.Cases.Count > 0)
        {
            text.Append('\n');
            var cases = new TextTable("case", "action type", "difference", "active", "candidate", "verdict", "reviewers");
            foreach (var c in report.Cases)
            {
                var d = c.Difference;
                cases.Row(d.CaseId, d.ActionType ?? "(none)", d.Kind.ToString(),
                    Describe(d.ActiveRoute, d.ActiveTier), d.CandidateRoute is { } route ? Describe(route, d.CandidateTier) : "(threw)",
                    c.Verdict?.ToJsonName() ?? "(not in trail)", string.Join(", ", c.Reviewers));
            }

            cases.WriteTo(text);
        }

        return text.ToString();
    }

    private static string Describe(RouteLevel route, string? tier) => tier is null ? route.ToJsonName() : route.ToJsonName() + " (" + tier + ")";
}
