using System.Globalization;
using System.Text;

namespace Hitl.Policy;

/// <summary>
/// The full account of one decision, for a reviewer or an auditor: the signals read, every rule with its inputs
/// and result, the engine's own steps (kill switch, invalid signals, sampling), and why the final route is what it is.
/// </summary>
public sealed class DecisionTrace
{
    /// <summary>The decision, equal to what <c>Route()</c> returns for the same input.</summary>
    public required Decision Decision { get; init; }

    /// <summary>The action type as the host gave it.</summary>
    public string? ActionType { get; init; }

    /// <summary>The default route of the action type (the floor under every decision).</summary>
    public required RouteLevel DefaultRoute { get; init; }

    /// <summary>The standard signals read, as the rules saw them.</summary>
    public required IReadOnlyList<TraceInput> Signals { get; init; }

    /// <summary>Every rule of the action type, in evaluation order.</summary>
    public required IReadOnlyList<RuleTrace> Rules { get; init; }

    /// <summary>The steps after the rules: fail-closed raises, kill switch, reversibility guard, sampling, reviewer settings.</summary>
    public required IReadOnlyList<string> Steps { get; init; }

    /// <summary>One sentence on why the route is what it is.</summary>
    public required string Why { get; init; }

    /// <summary>The trace as readable text.</summary>
    /// <returns>Several lines.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        var d = Decision;
        text.AppendLine(CultureInfo.InvariantCulture, $"Policy {d.PolicyId} {d.PolicyVersion}, action {ActionType ?? "(missing)"}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Decision: {d}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Why: {Why}");
        if (Signals.Count > 0)
        {
            text.AppendLine("Signals:");
            foreach (var signal in Signals)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {signal.Signal} = {signal.Value}");
            }
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Default route: {DefaultRoute.ToJsonName()}");
        text.AppendLine("Rules:");
        foreach (var rule in Rules)
        {
            var mark = rule.Fault is not null ? "ERR " : rule.Fired ? "FIRE" : "    ";
            var proposal = rule.ProposedRoute.ToJsonName();
            if (rule.ProposedTier is not null)
            {
                proposal += ", tier " + rule.ProposedTier;
            }

            if (rule.ProposedApprovals > 0)
            {
                proposal += ", " + rule.ProposedApprovals.ToString(CultureInfo.InvariantCulture) + " approvals";
            }

            var inputs = string.Join(", ", rule.Inputs.Select(i => i.Signal + "=" + i.Value));
            text.AppendLine(CultureInfo.InvariantCulture, $"  [{mark}] {rule.RuleId} ({rule.Kind}): {rule.Condition} -> {proposal}");
            if (inputs.Length > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"         read {inputs}");
            }

            if (rule.Fault is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"         threw: {rule.Fault}");
            }
        }

        if (Steps.Count > 0)
        {
            text.AppendLine("Steps:");
            foreach (var step in Steps)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {step}");
            }
        }

        return text.ToString();
    }
}
