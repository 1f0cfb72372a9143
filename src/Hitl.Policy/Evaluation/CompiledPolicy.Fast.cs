using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;
using Hitl.Policy.Definition;
using Hitl.Policy.Evaluation;

namespace Hitl.Policy;

public sealed partial class CompiledPolicy<TContext>
{
    /// <summary>Creates the hot path specialised for one way of reading the standard signals.</summary>
    internal Router CreateRouter<TRead>(TRead read)
        where TRead : struct, IStandardRead<TContext> => new FastRouter<TRead>(this, read);

    /// <summary>
    /// The hot path of <see cref="Route"/>: no exception handling, so the JIT keeps the frame and the effect in
    /// registers. Anything that throws inside it (a host accessor, a host rule) leaves it; <see cref="Route"/> then
    /// re-evaluates the call on the guarded path, which finds the faulting rule. <c>Route()</c> is pure, so the answer
    /// is the one the guarded path would give on its own.
    /// </summary>
    internal abstract class Router
    {
        public abstract Decision Route(in TContext context);
    }

    /// <summary>
    /// The hot path behind accessors that may throw: the one exception handler of <c>Route()</c>, around a call to the
    /// hot path, so that the hot path itself is compiled without one.
    /// </summary>
    private sealed class GuardedRouter(CompiledPolicy<TContext> policy, Router inner) : Router
    {
        public override Decision Route(in TContext context)
        {
            try
            {
                return inner.Route(in context);
            }
#pragma warning disable CA1031 // A host accessor that throws must fail closed, whatever it throws.
            catch (Exception)
#pragma warning restore CA1031
            {
                return policy.RouteGuarded(in context, faultSeen: true);
            }
        }
    }

    /// <summary>The hot path written as C# for this policy (<see cref="WriteRouterSource"/>).</summary>
    private sealed class PrecompiledRouter(PolicyRouter<TContext> inner) : Router
    {
        public override Decision Route(in TContext context) => inner.RouteBound(in context);
    }

    /// <summary>
    /// <see cref="Router"/> specialised for a value-type reader, so every standard-signal read is a direct (inlined)
    /// call. Per plan, the steps a plan cannot need are skipped by flags computed when the plan was prepared.
    /// </summary>
    private sealed class FastRouter<TRead>(CompiledPolicy<TContext> policy, TRead read) : Router
        where TRead : struct, IStandardRead<TContext>
    {
        private readonly CompiledPolicy<TContext> _policy = policy;
        private readonly TRead _read = read;
        private readonly string[] _interned = policy._interned;
        private readonly ActionPlan<TContext>[] _internedPlans = policy._internedPlans;
        private readonly ActionPlan<TContext> _unknownAction = policy._unknownAction;
        private readonly RouteLevel _onInvalid = policy._onInvalid;
        private readonly RouteLevel _onUnknownAction = policy._onUnknownAction;
        private readonly SamplingKey? _samplingKey = policy._samplingKey;
        private readonly KillSwitch _killSwitch = policy.KillSwitch;

        public override Decision Route(in TContext context)
        {
            if (!typeof(TContext).IsValueType && context is null)
            {
                // Behind generated field reads nothing else can throw; a null context fails closed on the guarded path.
                return _policy.RouteGuarded(in context, faultSeen: false);
            }

            var action = _read.Action(in context);
            var plan = Find(action);
            var flags = DecisionFlags.None;
            var frame = new SignalFrame { InvalidSignal = -1, Action = action };
            if (plan is null)
            {
                plan = _unknownAction;
                if (action is null)
                {
                    frame.InvalidSignal = StandardSignals.ActionIndex;
                }
                else
                {
                    flags = DecisionFlags.UnknownActionType;
                }
            }

            if (_read.CannotThrow)
            {
                ReadAll(plan, in context, ref frame);
            }
            else
            {
                Read(plan, in context, ref frame);
            }
            foreach (var check in plan.Checks)
            {
                if (check.IsInvalid(in context))
                {
                    frame.MarkInvalid(check.SignalIndex);
                }
            }

            // The rules evaluated one by one first (they call into the host); then the folded tables, merged in registers.
            var program = plan.Program;
            var general = program.General;
            var fromRules = general.Length > 0 ? Evaluate(general, in context, ref frame) : RuleEffect.None;
            var effect = RuleEffect.Merge(program.Tables(ref frame), in fromRules);

            // Out of the vector registers before the calls below (every vector register is the callee's to clobber).
            long key = effect.Key, deadline = effect.Deadline;
            ulong fired0 = effect.Fired0, fired1 = effect.Fired1;
            byte tier = effect.Tier, approvals = effect.Approvals;
            var onTimeout = effect.OnTimeout;
            if (effect.Truncated)
            {
                flags |= DecisionFlags.FiredRulesTruncated;
            }

            // The first rule (in evaluation order) that proposed the final route decides, also when that is the default route.
            var route = plan.Floor;
            int decider = Decision.DeciderDefault;
            var proposed = (RouteLevel)(key >>> 32);
            if (key != 0 && proposed >= route)
            {
                route = proposed;
                decider = int.MaxValue - (int)(uint)key;
            }

            if ((flags & DecisionFlags.UnknownActionType) != 0 && _onUnknownAction > route)
            {
                route = _onUnknownAction;
                decider = Decision.DeciderUnknownAction;
            }

            if (frame.InvalidSignal >= 0)
            {
                flags |= DecisionFlags.InvalidSignal;
                if (_onInvalid > route)
                {
                    route = _onInvalid;
                    decider = Decision.DeciderInvalidSignal;
                }
            }

            if (route == RouteLevel.AutoExecuteWithNotice && frame.Reversibility == Reversibility.Irreversible)
            {
                route = RouteLevel.Review;
                decider = Decision.DeciderIrreversible;
                flags |= DecisionFlags.IrreversibleRaised;
            }

            if (plan.KilledByPolicy || _killSwitch.IsEngaged(action))
            {
                flags |= DecisionFlags.KillSwitchActive;
                if (route.IsAutomatic())
                {
                    route = RouteLevel.Review;
                    decider = Decision.DeciderKillSwitch;
                }
            }

            if (plan.Samples && route.IsAutomatic()
                && RequestSampler.IsSampled(_read.RequestId(in context), plan.SampleSalt, plan.SampleThreshold, _samplingKey))
            {
                flags |= DecisionFlags.SampledForAudit;
                if (plan.SampleMode == SamplingMode.Review)
                {
                    route = RouteLevel.Review;
                    decider = Decision.DeciderAuditSample;
                }
            }

            if (route.IsAutomatic() || route == RouteLevel.Block)
            {
                return new Decision(plan.Names, route, 0, 0, 0, onTimeout, flags, decider, frame.InvalidSignal, fired0, fired1);
            }

            var settings = route == RouteLevel.Review ? plan.Review : plan.Escalate;
            return new Decision(
                plan.Names, route, Math.Max(tier, settings.Tier), Math.Max(Math.Max(approvals, settings.Approvals), (byte)1),
                Math.Min(deadline, settings.DeadlineTicks), RouteLevelExtensions.Max(onTimeout, settings.OnTimeout), flags, decider,
                frame.InvalidSignal, fired0, fired1);
        }

        /// <summary>The rules evaluated one by one; a call of its own, so that the calls in it do not spill the caller's effect.</summary>
        private static RuleEffect Evaluate(GeneralRule<TContext>[] rules, in TContext context, ref SignalFrame frame)
        {
            var effect = RuleEffect.None;
            foreach (ref readonly var rule in rules.AsSpan())
            {
                if (rule.When.Evaluate(in context, ref frame))
                {
                    effect.Add(in rule.Effect);
                }
            }

            return effect;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ActionPlan<TContext>? Find(string? action)
        {
            if (action is null)
            {
                return null;
            }

            var interned = _interned;
            for (var i = 0; i < interned.Length; i++)
            {
                if (ReferenceEquals(interned[i], action))
                {
                    return _internedPlans[i];
                }
            }

            return _policy.FindByValue(action);
        }

        /// <summary>
        /// <see cref="Read"/> for readers that cannot throw: every standard signal is read and checked whatever the plan
        /// reads, and the plan's reads only select (by conditional moves) what reaches the frame, so the common call
        /// takes no branch that depends on the action type. Invalid signals are marked in <see cref="Read"/>'s order.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void ReadAll(ActionPlan<TContext> plan, in TContext context, ref SignalFrame frame)
        {
            var reads = plan.Reads;
            var confidence = _read.Confidence(in context);
            var risk = _read.Risk(in context);
            var evidence = _read.Evidence(in context);
            var amount = _read.Amount(in context);
            var category = _read.Category(in context);
            var reversibility = _read.Reversibility(in context);
            var sensitive = _read.Sensitive(in context) ?? plan.SensitiveDefault;
            var vulnerable = _read.Vulnerable(in context) ?? plan.VulnerableDefault;

            bool confidenceOk = confidence >= 0 && confidence <= 1, riskOk = risk >= 0 && risk <= 1;
            bool evidenceOk = evidence >= 0 && evidence <= 1, amountOk = amount >= 0 && double.IsFinite(amount);
            var reversibilityOk = (byte)reversibility <= (byte)Reversibility.Irreversible;
            frame.Confidence = confidenceOk ? confidence : 0;
            frame.Risk = riskOk ? risk : 1;
            frame.Evidence = evidenceOk ? evidence : 0;
            frame.Amount = amountOk ? amount : double.MaxValue;
            frame.Category = (reads & SignalReads.Category) != 0 ? category : null;
            frame.Reversibility = (reads & SignalReads.Reversibility) != 0 && reversibilityOk ? reversibility : Reversibility.Irreversible;
            frame.Sensitive = (reads & SignalReads.Sensitive) != 0 && (sensitive ?? true);
            frame.Vulnerable = (reads & SignalReads.Vulnerable) != 0 && (vulnerable ?? true);

            var invalid = (confidenceOk ? 0 : (int)SignalReads.Confidence) | (riskOk ? 0 : (int)SignalReads.Risk)
                | (evidenceOk ? 0 : (int)SignalReads.Evidence) | (amountOk ? 0 : (int)SignalReads.Amount)
                | (category is not null ? 0 : (int)SignalReads.Category) | (reversibilityOk ? 0 : (int)SignalReads.Reversibility)
                | (sensitive.HasValue ? 0 : (int)SignalReads.Sensitive) | (vulnerable.HasValue ? 0 : (int)SignalReads.Vulnerable);
            invalid &= (int)reads;
            if (plan.RiskFactors.Length > 0 && (reads & SignalReads.Risk) != 0)
            {
                // Computed risk marks its factors as it reads them, after confidence and before evidence.
                if ((invalid & (int)SignalReads.Confidence) != 0)
                {
                    frame.MarkInvalid(StandardSignals.ConfidenceIndex);
                }

                frame.Risk = ComputeRisk(plan.RiskFactors, plan.RiskWeightTotal, in context, ref frame);
                invalid &= ~(int)(SignalReads.Confidence | SignalReads.Risk);
            }

            if (invalid != 0 && frame.InvalidSignal < 0)
            {
                // SignalReads' bits are in standard-signal order from confidence on.
                frame.InvalidSignal = StandardSignals.ConfidenceIndex + BitOperations.TrailingZeroCount(invalid);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Read(ActionPlan<TContext> plan, in TContext context, ref SignalFrame frame)
        {
            var reads = plan.Reads;
            if ((reads & SignalReads.Confidence) != 0)
            {
                frame.Confidence = Unit(_read.Confidence(in context), StandardSignals.ConfidenceIndex, 0, ref frame);
            }

            if ((reads & SignalReads.Risk) != 0)
            {
                frame.Risk = plan.RiskFactors.Length == 0
                    ? Unit(_read.Risk(in context), StandardSignals.RiskIndex, 1, ref frame)
                    : ComputeRisk(plan.RiskFactors, plan.RiskWeightTotal, in context, ref frame);
            }

            if ((reads & SignalReads.Evidence) != 0)
            {
                frame.Evidence = Unit(_read.Evidence(in context), StandardSignals.EvidenceIndex, 0, ref frame);
            }

            if ((reads & SignalReads.Amount) != 0)
            {
                var amount = _read.Amount(in context);
                if (!(amount >= 0 && double.IsFinite(amount)))
                {
                    frame.MarkInvalid(StandardSignals.AmountIndex);
                    amount = double.MaxValue;
                }

                frame.Amount = amount;
            }

            if ((reads & SignalReads.Category) != 0)
            {
                frame.Category = _read.Category(in context);
                if (frame.Category is null)
                {
                    frame.MarkInvalid(StandardSignals.CategoryIndex);
                }
            }

            var reversibility = Reversibility.Irreversible;
            if ((reads & SignalReads.Reversibility) != 0)
            {
                reversibility = _read.Reversibility(in context);
                if ((byte)reversibility > (byte)Reversibility.Irreversible)
                {
                    frame.MarkInvalid(StandardSignals.ReversibilityIndex);
                    reversibility = Reversibility.Irreversible;
                }
            }

            // Without a way to know the action can be undone, it counts as irreversible: notice-only needs a way back.
            frame.Reversibility = reversibility;
            if ((reads & SignalReads.Sensitive) != 0)
            {
                frame.Sensitive = Optional(_read.Sensitive(in context) ?? plan.SensitiveDefault, StandardSignals.SensitiveIndex, ref frame);
            }

            if ((reads & SignalReads.Vulnerable) != 0)
            {
                frame.Vulnerable = Optional(_read.Vulnerable(in context) ?? plan.VulnerableDefault, StandardSignals.VulnerableIndex, ref frame);
            }
        }
    }
}
