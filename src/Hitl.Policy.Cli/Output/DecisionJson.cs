using System.Text.Json;

namespace Hitl.Policy.Cli.Output;

/// <summary>
/// Writes a decision as one JSON object with every key always present, so a line-by-line consumer never has to guess.
/// </summary>
internal static class DecisionJson
{
    /// <summary>Writes the decision's properties into an object the caller has opened.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="decision">The decision.</param>
    /// <param name="caseAction">The action type the case gave, which names an undeclared one (the decision says <c>*</c>).</param>
    public static void WriteProperties(Utf8JsonWriter writer, Decision decision, string? caseAction)
    {
        writer.WriteString("action", DecisionText.Action(decision, caseAction));
        writer.WriteString("route", decision.Route.ToJsonName());
        writer.WriteString("tier", decision.RequiredTier);
        writer.WriteNumber("approvals", decision.RequiredApprovals);
        if (decision.ReviewDeadline is { } deadline)
        {
            writer.WriteString("deadline", DecisionText.Duration(deadline));
        }
        else
        {
            writer.WriteNull("deadline");
        }

        writer.WriteString("onTimeout", decision.TimeoutFallback?.ToJsonName());
        writer.WriteString("decidedBy", decision.DecidedBy);
        writer.WriteStartArray("rulesFired");
        foreach (var rule in decision.FiredRules)
        {
            writer.WriteStringValue(rule);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("flags");
        foreach (var flag in DecisionText.Flags(decision.Flags))
        {
            writer.WriteStringValue(flag);
        }

        writer.WriteEndArray();
        writer.WriteString("invalidSignal", decision.InvalidSignal);
        writer.WriteString("policy", decision.PolicyId);
        writer.WriteString("policyVersion", decision.PolicyVersion);
    }
}
