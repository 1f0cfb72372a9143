using System.Globalization;
using System.Text;

namespace Hitl.Policy.Cli.Output;

/// <summary>
/// The explain trace as people read it: the layout of <see cref="DecisionTrace.ToString"/>, in the words the rest of
/// the tool uses (flag names as in JSON, an undeclared action type by its own name).
/// </summary>
internal static class ExplainText
{
    public static string Render(DecisionTrace trace)
    {
        var text = new StringBuilder();
        var d = trace.Decision;
        text.AppendLine(CultureInfo.InvariantCulture, $"Policy {d.PolicyId} {d.PolicyVersion}, action {trace.ActionType ?? "(missing)"}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Decision: {Decision(d)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Why: {trace.Why}");
        if (trace.Signals.Count > 0)
        {
            text.AppendLine("Signals:");
            foreach (var signal in trace.Signals)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {signal.Signal} = {signal.Value}");
            }
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Default route: {trace.DefaultRoute.ToJsonName()}");
        text.AppendLine("Rules:");
        foreach (var rule in trace.Rules)
        {
            var mark = rule.Fault is not null ? "ERR " : rule.Fired ? "FIRE" : "    ";
            var proposal = rule.ProposedRoute.ToJsonName();
            if (rule.ProposedTier is not null)
            {
                proposal += ", tier " + rule.ProposedTier;
            }

            if (rule.ProposedApprovals > 0)
            {
                proposal += ", " + DecisionText.Approvals(rule.ProposedApprovals);
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  [{mark}] {rule.RuleId} ({rule.Kind}): {rule.Condition} -> {proposal}");
            if (rule.Inputs.Count > 0)
            {
                text.AppendLine("         read " + string.Join(", ", rule.Inputs.Select(i => i.Signal + "=" + i.Value)));
            }

            if (rule.Fault is not null)
            {
                text.AppendLine("         failed: " + rule.Fault);
            }
        }

        var steps = Steps(trace);
        if (steps.Count > 0)
        {
            text.AppendLine("Steps:");
            foreach (var step in steps)
            {
                text.AppendLine("  " + step);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The engine's steps, with an undeclared action type named as the case gave it: the decision names the policy's
    /// fallback plan (<c>*</c>), which says nothing to the author.
    /// </summary>
    public static IReadOnlyList<string> Steps(DecisionTrace trace)
    {
        var fallback = "action type '" + trace.Decision.ActionType + "' ";
        var named = trace.ActionType is null ? "a case without an action type " : "action type '" + trace.ActionType + "' ";
        return (trace.Decision.Flags & DecisionFlags.UnknownActionType) == 0
            ? trace.Steps
            : trace.Steps.Select(s => s.StartsWith(fallback, StringComparison.Ordinal) ? named + s[fallback.Length..] : s).ToList();
    }

    /// <summary><c>review (tier senior, 1 approval, deadline PT4H, then escalate) by rule [flag, flag] invalid signal: name</c>.</summary>
    private static string Decision(Decision d)
    {
        var text = new StringBuilder(d.Route.ToJsonName());
        if (d.RequiresHuman && d.Route != RouteLevel.Block)
        {
            text.Append(" (tier ").Append(d.RequiredTier).Append(", ").Append(DecisionText.Approvals(d.RequiredApprovals));
            if (d.ReviewDeadline is { } deadline)
            {
                text.Append(", deadline ").Append(DecisionText.Duration(deadline)).Append(", then ").Append(d.TimeoutFallback?.ToJsonName());
            }

            text.Append(')');
        }

        text.Append(" by ").Append(d.DecidedBy);
        var flags = string.Join(", ", DecisionText.Flags(d.Flags));
        if (flags.Length > 0)
        {
            text.Append(" [").Append(flags).Append(']');
        }

        if (d.InvalidSignal is { } signal)
        {
            text.Append(" invalid signal: ").Append(signal);
        }

        return text.ToString();
    }
}
