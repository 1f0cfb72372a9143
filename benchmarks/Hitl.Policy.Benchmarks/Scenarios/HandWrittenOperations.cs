using Hitl.Policy.Evaluation;

namespace Hitl.Policy.Benchmarks.Scenarios;

/// <summary>
/// The operations policy (<c>samples/policies/operations.json</c>) written by hand as a team would write it without the
/// library: a switch on the action type and an <c>if</c> per rule, with the same fail-closed reading of invalid
/// signals, the same kill switch and the same deterministic audit sample. It is the baseline the engine is measured
/// against, and a unit test checks that both decide the same on every generated input.
/// </summary>
public static class HandWrittenOperations
{
    private const byte Agent = 0;
    private const byte Senior = 1;
    private const byte Director = 2;
    private static readonly long ReviewDeadline = TimeSpan.FromHours(4).Ticks;
    private static readonly long EscalateDeadline = TimeSpan.FromHours(8).Ticks;
    private static readonly long ProductionWriteDeadline = TimeSpan.FromMinutes(30).Ticks;

    // The audit sample uses the engine's published hash so that both draw the same requests.
    private static readonly ulong DefaultThreshold = RequestSampler.Threshold(0.05);
    private static readonly ulong LoanThreshold = RequestSampler.Threshold(0.1);
    private static readonly ulong LoanSalt = Salt("loan.approve");
    private static readonly ulong RefundSalt = Salt("refund.issue");
    private static readonly ulong EmailSalt = Salt("email.send");
    private static readonly ulong ToolSalt = Salt("agent.tool-call");
    private static readonly ulong UnknownSalt = Salt("*");

    /// <summary>Decides one request.</summary>
    /// <param name="r">The request.</param>
    /// <param name="killSwitch">The kill switch.</param>
    public static BaselineDecision Route(in OperationRequest r, KillSwitch killSwitch) => r.Action switch
    {
        "loan.approve" => Loan(in r, killSwitch),
        "refund.issue" => Refund(in r, killSwitch),
        "email.send" => Email(in r, killSwitch),
        "agent.tool-call" => Tool(in r, killSwitch),
        _ => Unknown(in r, killSwitch),
    };

    private static BaselineDecision Loan(in OperationRequest r, KillSwitch killSwitch)
    {
        var v = new Verdict(Policy.RouteLevel.AutoExecute);
        var c = Unit(r.Confidence, 0, ref v.Invalid);
        var debt = Unit(r.ApplicantDebtRatio, 1, ref v.Invalid);
        var fraud = Unit(r.FraudSignal, 1, ref v.Invalid);
        var disputes = Unit(r.HistoryDisputes, 1, ref v.Invalid);
        var risk = Math.Min(1, ((2 * debt) + (3 * fraud) + disputes) / 6);
        var e = Unit(r.Evidence, 0, ref v.Invalid);
        var amount = Amount(r.Amount, ref v.Invalid);

        if (c < 0.8)
        {
            v.Propose(Policy.RouteLevel.Escalate, 0, 0, "loan.confidence.low");
        }
        else if (c < 0.95)
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "loan.confidence.medium");
        }
        else
        {
            v.Propose(Policy.RouteLevel.AutoExecute, 0, 0, "loan.confidence.high");
        }

        if (risk >= 0.4)
        {
            v.Propose(Policy.RouteLevel.Review, Senior, 0, "loan.risk.elevated");
        }

        if (risk >= 0.7)
        {
            v.Propose(Policy.RouteLevel.Escalate, Director, 0, "loan.risk.high");
        }

        if (amount >= 10_000)
        {
            v.Propose(Policy.RouteLevel.Review, Senior, 0, "loan.impact.medium");
        }

        if (amount >= 100_000)
        {
            v.Propose(Policy.RouteLevel.Review, Director, 2, "loan.impact.large");
        }

        // The income is checked even for a small loan: a rule that may skip a field must not hide that it is missing.
        var income = HostNumber(r.ApplicantIncome, 0, double.PositiveInfinity, ref v.Invalid);
        CommonGates(in r, e, ref v);
        if (amount >= 25_000 && income && r.ApplicantIncome < 50_000)
        {
            v.Propose(Policy.RouteLevel.Review, Senior, 0, "loan.low-income-large-loan");
        }

        if (r.CustomerIsNew && r.CustomerSegment == "business")
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "loan.new-business");
        }

        return v.Finish(in r, killSwitch, LoanSalt, LoanThreshold, sampleForReview: true);
    }

    private static BaselineDecision Refund(in OperationRequest r, KillSwitch killSwitch)
    {
        var v = new Verdict(Policy.RouteLevel.AutoExecute);
        var c = Unit(r.Confidence, 0, ref v.Invalid);
        var e = Unit(r.Evidence, 0, ref v.Invalid);
        var amount = Amount(r.Amount, ref v.Invalid);
        var reversibility = r.Reversibility;

        DefaultBands(c, ref v);
        if (amount >= 500)
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "refund.impact.large");
        }

        if (amount >= 5_000)
        {
            v.Propose(Policy.RouteLevel.Review, Senior, 2, "refund.impact.very-large");
        }

        if (e < 0.5)
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "evidence.weak");
        }

        if (reversibility >= Reversibility.CostlyToReverse)
        {
            v.Propose(Policy.RouteLevel.AutoExecuteWithNotice, 0, 0, "refund.issue.reversibility.costly-to-reverse");
        }

        if (reversibility == Reversibility.Irreversible)
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "refund.issue.reversibility.irreversible");
        }

        if (r.Vulnerable)
        {
            v.Propose(Policy.RouteLevel.Review, Senior, 0, "defaults.vulnerable");
        }

        if (HostNumber(r.CustomerChargebacks, 0, double.PositiveInfinity, ref v.Invalid) && r.CustomerChargebacks >= 3)
        {
            v.Propose(Policy.RouteLevel.Review, Senior, 0, "refund.chargeback-history");
        }

        if (r.CustomerIsNew && amount >= 200)
        {
            v.Propose(Policy.RouteLevel.AutoExecuteWithNotice, 0, 0, "refund.new-customer-mid-amount");
        }

        if (r.CustomerSegment == "private")
        {
            v.Propose(Policy.RouteLevel.Review, Senior, 0, "refund.private-segment");
        }

        return v.Finish(in r, killSwitch, RefundSalt, DefaultThreshold, sampleForReview: false);
    }

    private static BaselineDecision Email(in OperationRequest r, KillSwitch killSwitch)
    {
        var v = new Verdict(Policy.RouteLevel.AutoExecute);
        var c = Unit(r.Confidence, 0, ref v.Invalid);
        var e = Unit(r.Evidence, 0, ref v.Invalid);
        var category = r.Category;
        if (category is null)
        {
            v.Invalid = true;
        }

        if (c < 0.6)
        {
            v.Propose(Policy.RouteLevel.Block, 0, 0, "email.confidence.low");
        }
        else if (c < 0.85)
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "email.confidence.medium");
        }
        else
        {
            v.Propose(Policy.RouteLevel.AutoExecute, 0, 0, "email.confidence.high");
        }

        if (category is "legal" or "health" or "credit")
        {
            v.Propose(Policy.RouteLevel.Review, Senior, 0, "email.impact.regulated");
        }

        if (e < 0.5)
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "evidence.weak");
        }

        if (r.Reversibility == Reversibility.Irreversible)
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "defaults.reversibility.irreversible");
        }

        if (r.Sensitive)
        {
            v.Propose(Policy.RouteLevel.Review, Senior, 0, "email.send.sensitive");
        }

        if (r.Vulnerable)
        {
            v.Propose(Policy.RouteLevel.Review, Senior, 0, "defaults.vulnerable");
        }

        if (r.EmailMentionsLegal)
        {
            v.Propose(Policy.RouteLevel.Escalate, Director, 0, "email.legal-language");
        }

        if (HostNumber(r.EmailExternalRecipients, 0, double.PositiveInfinity, ref v.Invalid) && r.EmailExternalRecipients > 50)
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "email.mass-external");
        }

        return v.Finish(in r, killSwitch, EmailSalt, DefaultThreshold, sampleForReview: false);
    }

    private static BaselineDecision Tool(in OperationRequest r, KillSwitch killSwitch)
    {
        var v = new Verdict(Policy.RouteLevel.AutoExecuteWithNotice);
        var c = Unit(r.Confidence, 0, ref v.Invalid);
        var risk = Unit(r.Risk, 1, ref v.Invalid);
        var e = Unit(r.Evidence, 0, ref v.Invalid);

        DefaultBands(c, ref v);
        if (risk >= 0.8)
        {
            v.Propose(Policy.RouteLevel.Escalate, 0, 0, "tool.risk.high");
        }

        CommonGates(in r, e, ref v);
        var tool = r.ToolName;
        if (r.ToolTouchesProduction)
        {
            if (tool is null)
            {
                v.Invalid = true;
            }

            if (tool is not ("read_logs" or "get_metrics"))
            {
                v.Propose(Policy.RouteLevel.Review, Senior, 0, "tool.production-write");
                v.Deadline = Math.Min(v.Deadline, ProductionWriteDeadline);
            }
        }

        if (tool is null)
        {
            v.Invalid = true;
        }
        else if (tool is "drop_table" or "delete_bucket" or "rotate_keys" or "wire_transfer")
        {
            v.Propose(Policy.RouteLevel.Escalate, Director, 2, "tool.dangerous");
        }
        else if (tool == "shell")
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "tool.shell");
        }

        return v.Finish(in r, killSwitch, ToolSalt, DefaultThreshold, sampleForReview: false);
    }

    private static BaselineDecision Unknown(in OperationRequest r, KillSwitch killSwitch)
    {
        var v = new Verdict(Policy.RouteLevel.AutoExecute);
        var c = Unit(r.Confidence, 0, ref v.Invalid);
        var e = Unit(r.Evidence, 0, ref v.Invalid);
        DefaultBands(c, ref v);
        CommonGates(in r, e, ref v);
        v.Flags |= DecisionFlags.UnknownActionType;
        if (v.Route < Policy.RouteLevel.Review)
        {
            v.Route = Policy.RouteLevel.Review;
            v.DecidedBy = BuiltInRules.UnknownActionType;
        }

        return v.Finish(in r, killSwitch, UnknownSalt, DefaultThreshold, sampleForReview: false);
    }

    private static void DefaultBands(double c, ref Verdict v)
    {
        if (c < 0.7)
        {
            v.Propose(Policy.RouteLevel.Escalate, 0, 0, "confidence.low");
        }
        else if (c < 0.9)
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "confidence.medium");
        }
        else
        {
            v.Propose(Policy.RouteLevel.AutoExecute, 0, 0, "confidence.high");
        }
    }

    /// <summary>The defaults' weak-evidence threshold, irreversible gate and vulnerable gate, in that order.</summary>
    private static void CommonGates(in OperationRequest r, double e, ref Verdict v)
    {
        if (e < 0.5)
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "evidence.weak");
        }

        if (r.Reversibility == Reversibility.Irreversible)
        {
            v.Propose(Policy.RouteLevel.Review, 0, 0, "defaults.reversibility.irreversible");
        }

        if (r.Vulnerable)
        {
            v.Propose(Policy.RouteLevel.Review, Senior, 0, "defaults.vulnerable");
        }
    }

    private static double Unit(double value, double riskiest, ref bool invalid)
    {
        if (value >= 0 && value <= 1)
        {
            return value;
        }

        invalid = true;
        return riskiest;
    }

    private static double Amount(double value, ref bool invalid)
    {
        if (value >= 0 && double.IsFinite(value))
        {
            return value;
        }

        invalid = true;
        return double.MaxValue;
    }

    private static bool HostNumber(double value, double min, double max, ref bool invalid)
    {
        if (value >= min && value <= max && double.IsFinite(value))
        {
            return true;
        }

        invalid = true;
        return false;
    }

    private static ulong Salt(string actionType) => RequestSampler.Hash(actionType, 0x4849_544C_5F53_414DUL);

    private struct Verdict(RouteLevel floor)
    {
        public RouteLevel Route = floor;
        public string DecidedBy = BuiltInRules.DefaultRoute;
        public int Tier;
        public int Approvals;
        public long Deadline = long.MaxValue;
        public bool Invalid;
        public DecisionFlags Flags;

        public void Propose(RouteLevel route, int tier, int approvals, string id)
        {
            if (route > Route || (route == Route && ReferenceEquals(DecidedBy, BuiltInRules.DefaultRoute)))
            {
                Route = route;
                DecidedBy = id;
            }

            Tier = Math.Max(Tier, tier);
            Approvals = Math.Max(Approvals, approvals);
        }

        public BaselineDecision Finish(in OperationRequest r, KillSwitch killSwitch, ulong salt, ulong threshold, bool sampleForReview)
        {
            if (Invalid)
            {
                Flags |= DecisionFlags.InvalidSignal;
                if (Route < Policy.RouteLevel.Review)
                {
                    Route = Policy.RouteLevel.Review;
                    DecidedBy = BuiltInRules.InvalidSignal;
                }
            }

            if (Route == Policy.RouteLevel.AutoExecuteWithNotice && r.Reversibility == Reversibility.Irreversible)
            {
                Route = Policy.RouteLevel.Review;
                DecidedBy = BuiltInRules.IrreversibleNeedsPerson;
                Flags |= DecisionFlags.IrreversibleRaised;
            }

            if (killSwitch.IsEngaged(r.Action))
            {
                Flags |= DecisionFlags.KillSwitchActive;
                if (Route.IsAutomatic())
                {
                    Route = Policy.RouteLevel.Review;
                    DecidedBy = BuiltInRules.KillSwitch;
                }
            }

            if (Route.IsAutomatic() && RequestSampler.IsSampled(r.RequestId, salt, threshold))
            {
                Flags |= DecisionFlags.SampledForAudit;
                if (sampleForReview)
                {
                    Route = Policy.RouteLevel.Review;
                    DecidedBy = BuiltInRules.AuditSample;
                }
            }

            switch (Route)
            {
                case Policy.RouteLevel.Review:
                    return new BaselineDecision(Route, Tier, Math.Max(Approvals, 1), Math.Min(Deadline, ReviewDeadline), Flags, DecidedBy);
                case Policy.RouteLevel.Escalate:
                    return new BaselineDecision(Route, Math.Max(Tier, Senior), Math.Max(Approvals, 1), Math.Min(Deadline, EscalateDeadline), Flags, DecidedBy);
                default:
                    return new BaselineDecision(Route, 0, 0, 0, Flags, DecidedBy);
            }
        }
    }
}
