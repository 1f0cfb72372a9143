using System.Text.Json;

namespace Hitl.Policy.Feedback;

/// <summary>Writes and reads the feedback reports as JSON (camelCase, indented, kebab-case enum names).</summary>
public static class FeedbackJson
{
    /// <summary>Writes a calibration report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(CalibrationReport report) => JsonSerializer.Serialize(report, FeedbackJsonContext.Default.CalibrationReport);

    /// <summary>Writes a shadow report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(ShadowReport report) => JsonSerializer.Serialize(report, FeedbackJsonContext.Default.ShadowReport);

    /// <summary>Writes a shadow run, so that it can be joined with an audit trail later.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(ShadowRun run) => JsonSerializer.Serialize(run, FeedbackJsonContext.Default.ShadowRun);

    /// <summary>Writes an oversight report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(OversightReport report) => JsonSerializer.Serialize(report, FeedbackJsonContext.Default.OversightReport);

    /// <summary>Writes a bias-by-segment report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(SegmentReport report) => JsonSerializer.Serialize(report, FeedbackJsonContext.Default.SegmentReport);

    /// <summary>Reads a calibration report written by <see cref="Serialize(CalibrationReport)"/>, for example to propose a change from it later.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The report.</returns>
    /// <exception cref="JsonException">The text is not a calibration report.</exception>
    public static CalibrationReport ParseCalibrationReport(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, FeedbackJsonContext.Default.CalibrationReport)
            ?? throw new JsonException("the document is null; a calibration report is a JSON object");
    }

    /// <summary>Reads a shadow run written by <see cref="Serialize(ShadowRun)"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The run.</returns>
    /// <exception cref="JsonException">The text is not a shadow run.</exception>
    public static ShadowRun ParseShadowRun(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, FeedbackJsonContext.Default.ShadowRun)
            ?? throw new JsonException("the document is null; a shadow run is a JSON object");
    }
}
