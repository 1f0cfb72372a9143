using System.Globalization;
using System.Text;
using System.Text.Json;
using Hitl.Policy.Review;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.AI;

/// <summary>
/// Gates an agent's tool calls through a <see cref="ReviewGate{TContext}"/>: each call is routed on its actual arguments
/// (through the <see cref="ToolSignals"/> declared once), and runs only when the gate says so. Auto-execute runs at once;
/// review and escalate open a case and the call waits for it (within its deadline), then runs with the approved, possibly
/// edited, arguments; a rejection, a block, a timeout, the kill switch and a store that cannot record all return a
/// <see cref="ToolCallRefusal"/> to the model instead of running. Wrap each tool with <see cref="Wrap(AIFunction)"/> and
/// hand the wrapped tools to the chat client (with <c>UseFunctionInvocation()</c>, and <c>UseHitlApprovals()</c> for MEAI's
/// own approval flow).
/// </summary>
/// <example>
/// <code>
/// var tools = new ToolGate(gate, signals);
/// var options = new ChatOptions { Tools = [tools.Wrap(AIFunctionFactory.Create(IssueRefund))] };
/// var response = await chatClient.GetResponseAsync(messages, options);
/// </code>
/// </example>
public sealed class ToolGate
{
    /// <summary>The key, in a function call's <see cref="AIContent.AdditionalProperties"/>, of the gate's case for the call.</summary>
    public const string CaseIdProperty = "hitl.caseId";

    /// <summary>The correlation key of the tool's name on a case (beside <see cref="CaseCorrelation.ToolCallId"/> and <see cref="CaseCorrelation.ConversationId"/>).</summary>
    public const string ToolNameCorrelation = "tool";

    private const int SummaryArgumentsLength = 240;
    private readonly ToolGateOptions _options;

    /// <summary>Gates tool calls through a review gate.</summary>
    /// <param name="gate">The gate: its policy routes <see cref="ToolCall"/> (compile it with <see cref="ToolSignals.Compile"/>), its store keeps the cases.</param>
    /// <param name="signals">How the policy reads each tool's calls.</param>
    /// <param name="options">How calls are gated; the defaults when omitted.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public ToolGate(ReviewGate<ToolCall> gate, ToolSignals signals, ToolGateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(signals);
        _options = options ?? new ToolGateOptions();
        if (_options.MaxWait is { } wait && wait <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ToolGateOptions.MaxWait is {wait}; give a positive time, or null to wait for the case's own deadline.", nameof(options));
        }

        if (_options.MaxReasonLength < 0)
        {
            throw new ArgumentException($"ToolGateOptions.MaxReasonLength is {_options.MaxReasonLength}; it cannot be negative.", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(_options.TimeProvider, "options.TimeProvider");
        Gate = gate;
        Signals = signals;
        _ = signals.Schema; // declarations end here: what the gate's policy compiled against is what calls are read with
    }

    /// <summary>The review gate the calls go through.</summary>
    public ReviewGate<ToolCall> Gate { get; }

    /// <summary>How the policy reads each tool's calls.</summary>
    public ToolSignals Signals { get; }

    /// <summary>
    /// Wraps a tool so that every call of it goes through the gate. The tool must be declared in <see cref="Signals"/>,
    /// and every argument its mapping reads must be in its JSON schema with a fitting type: checked now, not at the first call.
    /// </summary>
    /// <param name="function">The tool.</param>
    /// <returns>The gated tool: same name, description and schema.</returns>
    /// <exception cref="InvalidOperationException">The tool is not declared, or its schema cannot supply its mapping; the message lists every problem.</exception>
    public GatedAIFunction Wrap(AIFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (function is GatedAIFunction gated && ReferenceEquals(gated.Owner, this))
        {
            return gated;
        }

        if (!Signals.TryGetTool(function.Name, out var mapping))
        {
            throw new InvalidOperationException(
                $"Tool '{function.Name}' is not declared in the ToolSignals; declare it with .Tool(\"{function.Name}\", ...) so that the policy knows how to read its calls (declared: {string.Join(", ", Signals.ToolNames.Order(StringComparer.Ordinal))}).");
        }

        var problems = mapping.ProblemsWith(function).ToList();
        Reversibility? fromMetadata = null;
        bool? sensitive = null;
        try
        {
            fromMetadata = HitlToolMetadata.ReversibilityOf(function);
            sensitive = HitlToolMetadata.SensitiveOf(function);
        }
        catch (InvalidOperationException ex)
        {
            problems.Add(ex.Message);
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Tool '{function.Name}' cannot be gated:" + string.Concat(problems.Select(p => Environment.NewLine + "  " + p)));
        }

        var bound = new BoundTool(mapping, mapping.ReversibilityValue ?? fromMetadata ?? Reversibility.Irreversible, mapping.SensitiveValue ?? sensitive);
        return new GatedAIFunction(this, function, bound);
    }

    /// <summary>Wraps every function among the tools (see <see cref="Wrap(AIFunction)"/>); tools that are not functions (hosted tools) are kept as they are.</summary>
    /// <param name="tools">The tools.</param>
    /// <returns>The tools, the functions gated.</returns>
    /// <exception cref="InvalidOperationException">A function is not declared, or cannot be gated; the message lists every problem.</exception>
    public IList<AITool> Wrap(IEnumerable<AITool> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var wrapped = new List<AITool>();
        var problems = new List<string>();
        foreach (var tool in tools)
        {
            try
            {
                wrapped.Add(tool is AIFunction function ? Wrap(function) : tool);
            }
            catch (InvalidOperationException ex)
            {
                problems.Add(ex.Message);
            }
        }

        return problems.Count == 0 ? wrapped : throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
    }

    /// <summary>The full trace of how the policy routes a call: every rule, its inputs and its result.</summary>
    /// <param name="call">The call (see <see cref="GatedAIFunction.Read(IDictionary{string, object}, string, string)"/>).</param>
    /// <returns>The trace.</returns>
    public DecisionTrace Explain(ToolCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Gate.Policy.Explain(call);
    }

    internal ToolGateOptions Options => _options;

    /// <summary>Routes one call and takes it through the gate; runs it only when the gate says so.</summary>
    internal async ValueTask<object?> InvokeAsync(GatedAIFunction function, AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var invocation = FunctionInvokingChatClient.CurrentContext;
        var content = invocation is not null && string.Equals(invocation.CallContent.Name, function.Name, StringComparison.Ordinal) ? invocation.CallContent : null;
        var callId = content?.CallId;
        var caseId = CaseIdOf(content);
        try
        {
            if (caseId is null)
            {
                if (!TryReadArguments(function, arguments, out var json, out var problem))
                {
                    return Refusal(function.Name, callId, null, "invalid-arguments", null, $"its arguments could not be read ({problem})").ToJson();
                }

                var opened = await OpenAsync(function, json, callId, invocation?.Options?.ConversationId, content, cancellationToken).ConfigureAwait(false);
                if (opened.Refusal is { } refused)
                {
                    return refused.ToJson();
                }

                caseId = opened.CaseId!;
            }

            return await RunAsync(function, caseId, callId, arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (ReviewException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return NotRecorded(function.Name, callId, caseId, ex).ToJson();
        }
    }

    /// <summary>Routes a call and opens its case: the case id, or the refusal when the call may not run at all.</summary>
    internal async ValueTask<Opened> OpenAsync(
        GatedAIFunction function, JsonElement arguments, string? callId, string? conversationId, FunctionCallContent? content, CancellationToken cancellationToken)
    {
        var source = new ToolCallSource(function.Name, arguments, content);
        var call = function.Read(source, callId, conversationId);
        var correlation = new Dictionary<string, string>(StringComparer.Ordinal) { [ToolNameCorrelation] = function.Name };
        if (callId is not null)
        {
            correlation[CaseCorrelation.ToolCallId] = callId;
        }

        if (conversationId is not null)
        {
            correlation[CaseCorrelation.ConversationId] = conversationId;
        }

        GateResult result;
        try
        {
            result = await Gate.SubmitAsync(new GateRequest<ToolCall>
            {
                Context = call,
                Payload = arguments.GetRawText(),
                RequestId = callId,
                Requester = _options.RequesterFrom?.Invoke(source),
                Summary = Summary(function.Name, arguments),
                Confidence = double.IsNaN(call.Confidence) ? null : call.Confidence,
                Correlation = correlation,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ReviewException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new Opened(null, null, NotRecorded(function.Name, callId, ex.CaseId, ex));
        }
        catch (ArgumentException ex)
        {
            return new Opened(null, null, Refusal(function.Name, callId, null, "not-recorded", null, $"the call could not be recorded ({ex.Message})"));
        }

        if (result.Disposition == GateDisposition.Blocked)
        {
            return new Opened(result.CaseId, result, Refusal(function.Name, callId, result.CaseId, "policy-block", null,
                Disallowed(result.Decision.DecidedBy, result.Decision.ActionType)));
        }

        return new Opened(result.CaseId, result, null);
    }

    /// <summary>Runs a call whose case is open or decided: waits while it is open, runs once when it says execute, refuses otherwise.</summary>
    private async ValueTask<object?> RunAsync(GatedAIFunction function, string caseId, string? callId, AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var giveUpAt = _options.MaxWait is { } wait ? _options.TimeProvider.GetUtcNow() + wait : (DateTimeOffset?)null;
        while (true)
        {
            var view = await Gate.GetCaseAsync(caseId, cancellationToken).ConfigureAwait(false);
            if (view is null || !Belongs(view, function.Name, callId))
            {
                return Refusal(function.Name, callId, caseId, "not-this-call", null,
                    $"the approval it carries (case '{caseId}') is not one of this call of '{function.Name}'").ToJson();
            }

            if (view.State is CaseState.Pending or CaseState.Held)
            {
                if (Gate.KillSwitch.IsEngaged(view.ActionType))
                {
                    return KillSwitchRefusal(function.Name, callId, caseId, view.ActionType).ToJson();
                }

                if (!await WaitAsync(caseId, view.ActionType, giveUpAt, cancellationToken).ConfigureAwait(false))
                {
                    return Refusal(function.Name, callId, caseId, "not-decided", null,
                        $"no reviewer decided case '{caseId}' while the call waited; the case stays open for its reviewers, but this call will not run").ToJson();
                }

                continue;
            }

            if (view.Outcome is not { Execute: true } outcome)
            {
                return OutcomeRefusal(function.Name, callId, view).ToJson();
            }

            if (view.ExecutionReportedAt is not null || outcome.AlreadyExecuted)
            {
                return Refusal(function.Name, callId, caseId, "already-ran", null, $"case '{caseId}' ran already; an approved call runs once").ToJson();
            }

            if (Gate.KillSwitch.IsEngaged(view.ActionType))
            {
                return KillSwitchRefusal(function.Name, callId, caseId, view.ActionType).ToJson();
            }

            if (!TryParseObject(outcome.Payload, out var approved))
            {
                return Refusal(function.Name, callId, caseId, "invalid-arguments", null, "the approved arguments are not a JSON object").ToJson();
            }

            try
            {
                // Claimed before the tool runs, so that two invocations that carry one approval cannot both run it.
                _ = await Gate.ReportExecutedAsync(caseId, callId is null ? "tool-call" : $"tool-call {callId}", cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ReviewException ex) when (ex.Code == ReviewErrorCode.NotExecutable)
            {
                return Refusal(function.Name, callId, caseId, "already-ran", null, $"case '{caseId}' ran already; an approved call runs once").ToJson();
            }

            return await function.InvokeInnerAsync(ArgumentsFrom(approved, arguments), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the case to change or the kill switch to engage (true: read the case again); false when the wait limit passed first.</summary>
    private async ValueTask<bool> WaitAsync(string caseId, string? actionType, DateTimeOffset? giveUpAt, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var engaged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, KillSwitchChange change)
        {
            if (change.Engaged && Gate.KillSwitch.IsEngaged(actionType))
            {
                engaged.TrySetResult();
            }
        }

        Gate.KillSwitch.Changed += OnChanged;
        try
        {
            var waits = new List<Task> { Gate.WaitForOutcomeAsync(caseId, stop.Token).AsTask(), engaged.Task };
            if (giveUpAt is { } at)
            {
                var left = at - _options.TimeProvider.GetUtcNow();
                waits.Add(Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, _options.TimeProvider, stop.Token));
            }

            var first = await Task.WhenAny(waits).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (first == waits[0])
            {
                await first.ConfigureAwait(false); // a wait that failed (the store) throws here
                return true;
            }

            return first == engaged.Task; // engaged: read again, and the kill switch refuses
        }
        finally
        {
            Gate.KillSwitch.Changed -= OnChanged;
        }
    }

    internal static string? CaseIdOf(AIContent? content) => TextProperty(content, CaseIdProperty);

    /// <summary>A text in a content's additional properties: a string, or a JSON string once the content went through JSON.</summary>
    internal static string? TextProperty(AIContent? content, string key) =>
        content?.AdditionalProperties?.TryGetValue(key, out var value) is true
            ? value switch
            {
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
                _ => null,
            }
            : null;

    internal static bool Belongs(ReviewCaseView view, string toolName, string? callId)
    {
        var correlation = view.Correlation;
        if (correlation is null || !correlation.TryGetValue(ToolNameCorrelation, out var tool) || !string.Equals(tool, toolName, StringComparison.Ordinal))
        {
            return false;
        }

        return callId is null
            ? !correlation.ContainsKey(CaseCorrelation.ToolCallId)
            : correlation.TryGetValue(CaseCorrelation.ToolCallId, out var recorded) && string.Equals(recorded, callId, StringComparison.Ordinal);
    }

    internal static bool TryReadArguments(AIFunction function, AIFunctionArguments arguments, out JsonElement json, out string? problem)
    {
        var options = function.JsonSerializerOptions ?? AIJsonUtilities.DefaultOptions;
        try
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var (name, value) in arguments)
                {
                    writer.WritePropertyName(name);
                    if (value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        JsonSerializer.Serialize(writer, value, options.GetTypeInfo(value.GetType()));
                    }
                }

                writer.WriteEndObject();
            }

            using var document = JsonDocument.Parse(buffer.ToArray());
            json = document.RootElement.Clone();
            problem = null;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            json = default;
            problem = ex.Message;
            return false;
        }
    }

    internal ToolCallRefusal OutcomeRefusal(string tool, string? callId, ReviewCaseView view)
    {
        var outcome = view.Outcome;
        var reason = _options.ShareReviewerReason && outcome?.Reason is { Length: > 0 } text
            ? (text.Length <= _options.MaxReasonLength ? text : text[.._options.MaxReasonLength] + "…")
            : null;
        var (code, why) = view.State switch
        {
            CaseState.Rejected => ("rejected", $"a reviewer rejected it ({outcome?.ReasonCode})"),
            CaseState.Blocked when outcome?.ReasonCode == "deadline-passed" => ("timed-out", "no reviewer decided it before its deadline, so it falls back to blocked"),
            CaseState.Blocked when outcome?.ReasonCode == "policy-block" => ("policy-block", Disallowed(outcome.DecidedBy, view.ActionType)),
            CaseState.Blocked => ("policy-block", $"it was blocked ({outcome?.ReasonCode})"),
            CaseState.Overridden or CaseState.Reversed => ("overridden", $"a reviewer stopped it ({outcome?.ReasonCode})"),
            _ => ("not-decided", $"its case is {view.State.ToString().ToLowerInvariant()}"),
        };
        return Refusal(tool, callId, view.CaseId, code, reason, why);
    }

    /// <summary>Why the policy blocks: the rule that did, or the action type when a policy-wide setting did (its names start with <c>hitl:</c>).</summary>
    private static string Disallowed(string? decidedBy, string? actionType) =>
        decidedBy is null || decidedBy.StartsWith("hitl:", StringComparison.Ordinal)
            ? $"the policy does not allow '{actionType}' calls"
            : $"the policy does not allow it (rule '{decidedBy}')";

    internal static ToolCallRefusal NotRecorded(string tool, string? callId, string? caseId, ReviewException ex) =>
        Refusal(tool, callId, caseId, "not-recorded", null,
            $"the gate could not record it ({ex.Code}), and nothing runs unrecorded");

    private static ToolCallRefusal KillSwitchRefusal(string tool, string? callId, string caseId, string? actionType) =>
        Refusal(tool, callId, caseId, "kill-switch", null, $"an operator stopped '{actionType}' calls (the kill switch is engaged)");

    internal static ToolCallRefusal Refusal(string tool, string? callId, string? caseId, string code, string? reason, string why) => new()
    {
        Tool = tool,
        ToolCallId = callId,
        CaseId = caseId,
        ReasonCode = code,
        Reason = reason,
        Message = $"The call of '{tool}' was not run: {why}{(reason is null ? "" : $": \"{reason}\"")}. Tell the user it was not done and why; do not make the same call again.",
    };

    private static string Summary(string tool, JsonElement arguments)
    {
        var text = arguments.GetRawText();
        return string.Create(CultureInfo.InvariantCulture, $"Agent tool call {tool}({(text.Length <= SummaryArgumentsLength ? text : text[..SummaryArgumentsLength] + "…")})");
    }

    private static bool TryParseObject(string? payload, out JsonElement json)
    {
        json = default;
        if (payload is null)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(payload));
            json = document.RootElement.Clone();
            return json.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static AIFunctionArguments ArgumentsFrom(JsonElement approved, AIFunctionArguments original)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in approved.EnumerateObject())
        {
            values[property.Name] = property.Value;
        }

        return new AIFunctionArguments(values)
        {
            Services = original.Services,
            Context = original.Context,
        };
    }

    internal sealed record Opened(string? CaseId, GateResult? Result, ToolCallRefusal? Refusal);
}
