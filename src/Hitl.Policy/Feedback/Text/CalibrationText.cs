using System.Globalization;
using System.Text;

namespace Hitl.Policy.Feedback;

/// <summary>Renders a <see cref="CalibrationReport"/> as plain text.</summary>
internal static class CalibrationText
{
    public static string Render(CalibrationReport report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"Calibration of {report.PolicyId ?? "(no policy)"} {report.PolicyVersion} over {report.CaseCount} cases: target {report.Target:0.###%} agreement with {report.Confidence:0.#%} confidence ({Name(report.Method)}), minimum sample {report.MinimumSample}\n\n");
        var summary = new TextTable("action type", "cases", "agreement", "auto-path error (audits)", "current", "recommended", "lower bound", "n", "action");
        foreach (var action in report.Actions)
        {
            var r = action.Recommendation;
            summary.Row(action.ActionType, TextTable.Count(action.Volume), TextTable.Interval(action.Agreement), TextTable.Interval(action.AutoPathError),
                TextTable.Number(r.CurrentThreshold), TextTable.Number(r.RecommendedThreshold), TextTable.Percent(r.LowerBound), TextTable.Count(r.SampleSize), Name(r.Kind));
        }

        summary.WriteTo(text);
        foreach (var action in report.Actions)
        {
            text.Append('\n').Append(action.ActionType).Append('\n');
            var bands = new TextTable("band", "route", "cases", "auto", "to person", "escalated", "agreement", "auto-path error", "");
            foreach (var band in action.Bands)
            {
                bands.Row(
                    band.BandId ?? string.Create(CultureInfo.InvariantCulture, $"[{band.Min:0.###}, {band.Max:0.###}{(band.Max >= 1 ? "]" : ")")}"),
                    band.PolicyRoute?.ToJsonName() ?? "-",
                    TextTable.Count(band.Volume), TextTable.Count(band.AutoExecuted), TextTable.Count(band.SentToPerson), TextTable.Percent(band.EscalationFrequency),
                    TextTable.Interval(band.Agreement), TextTable.Interval(band.AutoPathError), band.BelowTarget ? "BELOW TARGET" : "");
            }

            bands.WriteTo(text);
            text.Append("  ").Append(Name(action.Recommendation.Kind)).Append(": ").Append(action.Recommendation.Reason).Append('\n');
        }

        return text.ToString();
    }

    private static string Name(RecommendationKind kind) => kind switch
    {
        RecommendationKind.Loosen => "loosen",
        RecommendationKind.Tighten => "TIGHTEN",
        RecommendationKind.InsufficientEvidence => "insufficient evidence",
        _ => "hold",
    };

    private static string Name(IntervalMethod method) => method == IntervalMethod.ClopperPearson ? "Clopper-Pearson" : "Wilson";
}
