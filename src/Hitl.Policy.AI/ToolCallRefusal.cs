using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hitl.Policy.AI;

/// <summary>
/// What a gated tool returns to the model instead of running: the call was not run, why, and what the agent should do
/// (tell the user, do not repeat the call). The function result is this record as a JSON object; read it back with
/// <see cref="TryRead"/>.
/// </summary>
public sealed record ToolCallRefusal
{
    /// <summary>The value of <see cref="Status"/>: the call did not run.</summary>
    public const string NotRun = "not-run";

    /// <summary>Always <see cref="NotRun"/>, so that a model (or a host) can tell a refusal from a tool's own result.</summary>
    public string Status { get; init; } = NotRun;

    /// <summary>The tool.</summary>
    public required string Tool { get; init; }

    /// <summary>The model's tool-call id, when it gave one.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>The gate's case for the call, when one was opened.</summary>
    public string? CaseId { get; init; }

    /// <summary>
    /// Why, as a code: <c>policy-block</c>, <c>rejected</c>, <c>timed-out</c>, <c>kill-switch</c>, <c>not-recorded</c> (the
    /// store could not record the call), <c>not-decided</c> (no decision while the call waited), <c>already-ran</c>,
    /// <c>not-this-call</c> (an approval that belongs to another call), <c>invalid-arguments</c> or <c>overridden</c>.
    /// </summary>
    public required string ReasonCode { get; init; }

    /// <summary>The reviewer's reason, when a reviewer refused and <see cref="ToolGateOptions.ShareReviewerReason"/> allows it.</summary>
    public string? Reason { get; init; }

    /// <summary>What happened and what to do, for the model.</summary>
    public required string Message { get; init; }

    /// <summary>Reads a refusal from a function result (a <see cref="JsonElement"/>, or its text).</summary>
    /// <param name="functionResult">What the function returned.</param>
    /// <param name="refusal">The refusal, when it is one.</param>
    /// <returns>Whether the result is a refusal.</returns>
    public static bool TryRead(object? functionResult, [NotNullWhen(true)] out ToolCallRefusal? refusal)
    {
        refusal = null;
        try
        {
            var element = functionResult switch
            {
                JsonElement e => e,
                string text => JsonDocument.Parse(text).RootElement,
                _ => default,
            };
            if (element.ValueKind != JsonValueKind.Object
                || !element.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String
                || status.GetString() != NotRun)
            {
                return false;
            }

            refusal = element.Deserialize(ToolJsonContext.Default.ToolCallRefusal);
            return refusal is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal JsonElement ToJson() => JsonSerializer.SerializeToElement(this, ToolJsonContext.Default.ToolCallRefusal);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ToolCallRefusal))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ToolJsonContext : JsonSerializerContext;
