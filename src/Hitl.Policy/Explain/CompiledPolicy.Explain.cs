using System.Globalization;
using Hitl.Policy.Evaluation;

namespace Hitl.Policy;

public sealed partial class CompiledPolicy<TContext>
{
    /// <inheritdoc />
    public DecisionTrace Explain(in TContext context)
    {
        var decision = Route(in context);
        string? action;
        try
        {
            action = _action(in context);
        }
#pragma warning disable CA1031 // Explain reports what Route() saw; a throwing accessor is part of that.
        catch (Exception)
#pragma warning restore CA1031
        {
            action = null;
        }

        var plan = PlanFor(action);
        var frame = new SignalFrame { InvalidSignal = -1, Action = action };
        string? readFault = null;
        try
        {
            ReadSignals(plan, in context, ref frame);
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            readFault = ex.Message;
        }

        var rules = new List<RuleTrace>(plan.Rules.Length);
        foreach (var rule in plan.Rules)
        {
            var inputs = new List<TraceInput>();
            bool fired = false;
            string? fault = null;
            try
            {
                rule.When.CollectInputs(in context, ref frame, inputs);
                fired = rule.When.Evaluate(in context, ref frame);
            }
#pragma warning disable CA1031
            catch (Exception ex)
#pragma warning restore CA1031
            {
                fault = ex.GetType().Name + ": " + ex.Message;
            }

            rules.Add(new RuleTrace
            {
                RuleId = rule.Id,
                Kind = rule.Kind,
                Condition = rule.When.ToString(),
                Inputs = inputs,
                Fired = fired,
                ProposedRoute = rule.Then.Route,
                ProposedTier = rule.Then.Tier > 0 ? Names.Tiers[rule.Then.Tier] : null,
                ProposedApprovals = rule.Then.Approvals,
                Description = rule.Description,
                Fault = fault,
            });
        }

        return new DecisionTrace
        {
            Decision = decision,
            ActionType = action,
            DefaultRoute = plan.Floor,
            Signals = SignalsRead(plan, ref frame),
            Rules = rules,
            Steps = Steps(decision, readFault),
            Why = Why(decision, rules),
        };
    }

    private static List<TraceInput> SignalsRead(ActionPlan<TContext> plan, ref SignalFrame frame)
    {
        var read = new List<TraceInput> { new(StandardSignals.Action, FrameValues.Format(frame.Action)) };
        var reads = plan.Reads;
        if ((reads & SignalReads.Confidence) != 0)
        {
            read.Add(new(StandardSignals.Confidence, FrameValues.Format(frame.Confidence)));
        }

        if ((reads & SignalReads.Risk) != 0)
        {
            read.Add(new(StandardSignals.Risk, FrameValues.Format(frame.Risk) + (plan.RiskFactors.Length > 0 ? " (computed from factors)" : "")));
        }

        if ((reads & SignalReads.Evidence) != 0)
        {
            read.Add(new(StandardSignals.Evidence, FrameValues.Format(frame.Evidence)));
        }

        if ((reads & SignalReads.Amount) != 0)
        {
            read.Add(new(StandardSignals.Amount, FrameValues.Format(frame.Amount)));
        }

        if ((reads & SignalReads.Category) != 0)
        {
            read.Add(new(StandardSignals.Category, FrameValues.Format(frame.Category)));
        }

        if ((reads & SignalReads.Reversibility) != 0)
        {
            read.Add(new(StandardSignals.Reversibility, ReversibilityNames.Of(frame.Reversibility)));
        }

        if ((reads & SignalReads.Sensitive) != 0)
        {
            read.Add(new(StandardSignals.Sensitive, frame.Sensitive ? "true" : "false"));
        }

        if ((reads & SignalReads.Vulnerable) != 0)
        {
            read.Add(new(StandardSignals.Vulnerable, frame.Vulnerable ? "true" : "false"));
        }

        return read;
    }

    private List<string> Steps(Decision decision, string? readFault)
    {
        var steps = new List<string>();
        var flags = decision.Flags;
        if ((flags & DecisionFlags.UnknownActionType) != 0)
        {
            steps.Add($"action type '{decision.ActionType}' is not declared: the defaults applied, and the route is at least {_onUnknownAction.ToJsonName()}");
        }

        if ((flags & DecisionFlags.InvalidSignal) != 0)
        {
            steps.Add($"signal '{decision.InvalidSignal}' is invalid (NaN, infinite, out of range or missing): read as its riskiest value, route at least {_onInvalid.ToJsonName()}");
        }

        if ((flags & DecisionFlags.RuleFault) != 0)
        {
            steps.Add($"a host accessor threw{(readFault is null ? "" : " (" + readFault + ")")}: fail closed, route at least {_onInvalid.ToJsonName()}");
        }

        if ((flags & DecisionFlags.IrreversibleRaised) != 0)
        {
            steps.Add("the action is irreversible, so notice-only is not enough: raised to review");
        }

        if ((flags & DecisionFlags.KillSwitchActive) != 0)
        {
            steps.Add("a kill switch is on: nothing auto-executes");
        }

        if ((flags & DecisionFlags.SampledForAudit) != 0)
        {
            steps.Add(decision.DecidedBy == BuiltInRules.AuditSample
                ? "drawn by the audit sample: sent to review before it runs"
                : "drawn by the audit sample: flagged for an after-the-fact audit");
        }

        if (decision.RequiresHuman && decision.Route != Policy.RouteLevel.Block)
        {
            steps.Add(string.Create(CultureInfo.InvariantCulture,
                $"reviewers: tier {decision.RequiredTier}, {decision.RequiredApprovals} distinct approval(s), deadline {(decision.ReviewDeadline is { } d ? System.Xml.XmlConvert.ToString(d) : "none")}, then {decision.TimeoutFallback?.ToJsonName()}"));
        }

        return steps;
    }

    private static string Why(Decision decision, List<RuleTrace> rules)
    {
        var route = decision.Route.ToJsonName();
        var firedCount = rules.Count(r => r.Fired);
        return decision.DecidedBy switch
        {
            BuiltInRules.DefaultRoute => $"{route}: no rule asked for more than the default route ({firedCount} rule(s) fired).",
            BuiltInRules.KillSwitch => $"{route}: a kill switch is on.",
            BuiltInRules.InvalidSignal => $"{route}: signal '{decision.InvalidSignal}' is invalid, so the policy fails closed.",
            BuiltInRules.UnknownActionType => $"{route}: the action type is not declared in the policy.",
            BuiltInRules.AuditSample => $"{route}: drawn by the audit sample, which sends this action type to review first.",
            BuiltInRules.IrreversibleNeedsPerson => $"{route}: the action is irreversible and notice-only needs a way back.",
            BuiltInRules.RuleFault => $"{route}: a host accessor threw while signals were read.",
            var rule when (decision.Flags & DecisionFlags.RuleFault) != 0 => $"{route}: rule '{rule}' threw while it was evaluated, so the policy fails closed.",
            var rule => $"{route}: rule '{rule}' is the first of the {firedCount} rule(s) that fired to ask for {route}; most restrictive wins.",
        };
    }
}
