using System.Text.Json;
using Hitl.Policy.Definition;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.AI;

/// <summary>
/// How the policy reads agent tool calls, declared once for every tool the agent may call: each tool's action type, the
/// host fields and standard signals it reads from the call's JSON arguments (or fixes), its reversibility and sensitivity,
/// and where the model's confidence comes from. <see cref="Schema"/> is the <see cref="SignalSchema{TContext}"/> a
/// tool-call policy compiles against; <see cref="Compile"/> also checks that every tool supplies the fields the policy requires.
/// </summary>
/// <example>
/// <code>
/// var signals = new ToolSignals()
///     .Tool("search_orders", t => t.ActionType("orders.search").Reversibility(Reversibility.Reversible))
///     .Tool("issue_refund", t => t.ActionType("refund.issue").Amount("amount"))
///     .Tool("restart_service", t => t.ActionType("service.restart").Text("service.environment", "environment"));
/// var policy = signals.Compile(PolicyJson.Load("agent-tools.json")); // throws, listing every field the tools cannot supply
/// </code>
/// </example>
public sealed class ToolSignals
{
    private static readonly string[] StandardNames =
    [
        StandardSignals.Action, StandardSignals.RequestId, StandardSignals.Confidence, StandardSignals.Risk, StandardSignals.Evidence,
        StandardSignals.Amount, StandardSignals.Category, StandardSignals.Reversibility, StandardSignals.Sensitive, StandardSignals.Vulnerable,
    ];

    private readonly Dictionary<string, ToolMapping> _tools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (FieldType Type, int Slot)> _fields = new(StringComparer.Ordinal);
    private readonly HashSet<string> _standard = new(StringComparer.Ordinal);
    private Func<ToolCallSource, double?>? _confidence;
    private SignalSchema<ToolCall>? _schema;

    /// <summary>Declares a tool the agent may call, and how the policy reads its calls.</summary>
    /// <param name="name">The tool's name, as the model calls it (the <see cref="AITool.Name"/>).</param>
    /// <param name="configure">Its action type, signals and metadata; without it, the action type is the name and no argument is read.</param>
    /// <returns>These signals.</returns>
    /// <exception cref="ArgumentException">The name is empty or declared already, or the mapping gives a field another type than another tool gave it.</exception>
    /// <exception cref="InvalidOperationException">The schema is in use already (declare every tool first).</exception>
    public ToolSignals Tool(string name, Action<ToolMapping>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ThrowIfFrozen();
        if (_tools.ContainsKey(name))
        {
            throw new ArgumentException($"Tool '{name}' is declared already; declare each tool once.", nameof(name));
        }

        var mapping = new ToolMapping(this, name);
        configure?.Invoke(mapping);
        _tools.Add(name, mapping);
        return this;
    }

    /// <summary>
    /// Where the model's confidence in a call comes from (a verifier's score, token log-probabilities, the host's own
    /// estimate). Return <see langword="null"/> when there is none for a call: a policy that reads confidence then
    /// fails closed for it. Without a source the schema has no confidence, and a policy that reads it does not compile.
    /// </summary>
    /// <param name="source">Reads the confidence of one call.</param>
    /// <returns>These signals.</returns>
    public ToolSignals ConfidenceFrom(Func<ToolCallSource, double?> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ThrowIfFrozen();
        _confidence = source;
        return this;
    }

    /// <summary>The tools declared, by name.</summary>
    public IReadOnlyCollection<string> ToolNames => _tools.Keys;

    /// <summary>
    /// The schema a tool-call policy compiles against: the action type, the call id (which keys the audit sample),
    /// reversibility, sensitivity, the confidence when it has a source, and every field and standard signal some tool
    /// maps. Reading it ends the declarations.
    /// </summary>
    public SignalSchema<ToolCall> Schema => _schema ??= BuildSchema();

    internal int NumberSlots { get; private set; }

    internal int TextSlots { get; private set; }

    internal int FlagSlots { get; private set; }

    /// <summary>
    /// What the policy needs that the tools cannot supply: a field the policy declares <c>required</c> (without a default)
    /// that a tool does not map, and every problem of compiling the policy against <see cref="Schema"/>.
    /// </summary>
    /// <param name="definition">The policy.</param>
    /// <returns>The problems, one sentence each; empty when there are none.</returns>
    public IReadOnlyList<string> Problems(PolicyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = new List<string>();
        foreach (var (field, declared) in definition.Fields ?? [])
        {
            if (!declared.Required || declared.Default is not null)
            {
                continue;
            }

            foreach (var tool in _tools.Values.Where(t => !t.Supplies(field)))
            {
                problems.Add($"The policy requires the field '{field}', but tool '{tool.ToolName}' does not supply it: map it from an argument or give it a fixed value in .Tool(\"{tool.ToolName}\", ...).");
            }
        }

        problems.AddRange(PolicyCompiler.Validate(definition, Schema).Select(e => e.ToString()));
        return problems;
    }

    /// <summary>Compiles a tool-call policy, after checking that the tools supply what it needs (<see cref="Problems"/>).</summary>
    /// <param name="definition">The policy.</param>
    /// <param name="killSwitch">The kill switch the policy obeys; its own when omitted.</param>
    /// <returns>The compiled policy.</returns>
    /// <exception cref="InvalidOperationException">The tools cannot supply what the policy needs; the message lists every problem.</exception>
    public CompiledPolicy<ToolCall> Compile(PolicyDefinition definition, KillSwitch? killSwitch = null)
    {
        var problems = Problems(definition);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"Policy '{definition.Id}' cannot route these tools:" + string.Concat(problems.Select(p => Environment.NewLine + "  " + p)));
        }

        return PolicyCompiler.Compile(definition, Schema, killSwitch);
    }

    internal bool TryGetTool(string name, out ToolMapping mapping) => _tools.TryGetValue(name, out mapping!);

    internal double? ConfidenceOf(ToolCallSource source) => _confidence?.Invoke(source);

    internal bool HasConfidence => _confidence is not null;

    internal int SlotFor(string field, FieldType type, string toolName)
    {
        if (Array.IndexOf(StandardNames, field) >= 0)
        {
            throw new ArgumentException($"Tool '{toolName}': '{field}' is a standard signal; map it with its own method (for example .Amount(\"argument\")).", nameof(field));
        }

        if (_fields.TryGetValue(field, out var known))
        {
            return known.Type == type
                ? known.Slot
                : throw new ArgumentException($"Tool '{toolName}' maps field '{field}' as {type.ToString().ToLowerInvariant()}, but another tool maps it as {known.Type.ToString().ToLowerInvariant()}; a field has one type.", nameof(field));
        }

        var slot = type switch
        {
            FieldType.Number => NumberSlots++,
            FieldType.Text => TextSlots++,
            _ => FlagSlots++,
        };
        _fields.Add(field, (type, slot));
        return slot;
    }

    internal void UsesStandard(string signal) => _standard.Add(signal);

    internal void ThrowIfFrozen()
    {
        if (_schema is not null)
        {
            throw new InvalidOperationException("These tool signals are in use (their schema was read): declare every tool before compiling the policy or gating a tool.");
        }
    }

    private SignalSchema<ToolCall> BuildSchema()
    {
        var schema = new SignalSchema<ToolCall>()
            .ActionType(static (in ToolCall c) => c.ActionType)
            .RequestId(static (in ToolCall c) => c.CallId)
            .Reversibility(static (in ToolCall c) => c.Reversibility)
            .Sensitive(static (in ToolCall c) => c.Sensitive);
        if (_confidence is not null)
        {
            schema.Confidence(static (in ToolCall c) => c.Confidence);
        }

        if (_standard.Contains(StandardSignals.Amount))
        {
            schema.Amount(static (in ToolCall c) => c.Amount);
        }

        if (_standard.Contains(StandardSignals.Risk))
        {
            schema.Risk(static (in ToolCall c) => c.Risk);
        }

        if (_standard.Contains(StandardSignals.Evidence))
        {
            schema.Evidence(static (in ToolCall c) => c.Evidence);
        }

        if (_standard.Contains(StandardSignals.Category))
        {
            schema.Category(static (in ToolCall c) => c.Category);
        }

        foreach (var (name, (type, slot)) in _fields)
        {
            _ = type switch
            {
                FieldType.Number => schema.Number(name, (in ToolCall c) => c.Numbers[slot]),
                FieldType.Text => schema.Text(name, (in ToolCall c) => c.Texts[slot]),
                _ => schema.Flag(name, (in ToolCall c) => c.Flags[slot]),
            };
        }

        return schema;
    }
}

/// <summary>What a confidence source sees of one call (see <see cref="ToolSignals.ConfidenceFrom"/>).</summary>
/// <param name="ToolName">The tool.</param>
/// <param name="Arguments">The call's arguments as JSON.</param>
/// <param name="CallContent">The model's function call, when the call came through a chat client (its <see cref="AIContent.AdditionalProperties"/> may carry the host's score).</param>
public sealed record ToolCallSource(string ToolName, JsonElement Arguments, FunctionCallContent? CallContent);
