using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hitl.Policy.Feedback;

/// <summary>Source-generated serialization for the feedback reports: no reflection at run time, trimming and AOT safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(CalibrationReport))]
[JsonSerializable(typeof(ShadowReport))]
[JsonSerializable(typeof(ShadowRun))]
[JsonSerializable(typeof(OversightReport))]
[JsonSerializable(typeof(SegmentReport))]
internal sealed partial class FeedbackJsonContext : JsonSerializerContext;
