using Hitl.Policy.Definition;

using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Hitl.Policy.Evaluation;

namespace Hitl.Policy;

/// <summary>
/// A validated, compiled policy: immutable, thread-safe, and allocation-free to route with. Build it with
/// <see cref="PolicyCompiler.Compile{TContext}(Definition.PolicyDefinition, SignalSchema{TContext}, KillSwitch?)"/>.
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
public sealed partial class CompiledPolicy<TContext> : IEscalationPolicy<TContext>
{
    /// <summary>Up to this many action types are first looked up by reference: a host's string constants are interned.</summary>
    private const int ReferenceLookupLimit = 8;

    private readonly FrozenDictionary<string, ActionPlan<TContext>> _plans;
    /// <summary>
    /// The action types looked up by reference: interned at first, each replaced once by the first other instance of the
    /// same text a call brings (<see cref="FindByValue"/>). Under Native AOT a host's string literals are not the instances
    /// <see cref="string.Intern"/> returns, so without the rebinding every call would hash its action type.
    /// </summary>
    private readonly string[] _interned;

    /// <summary>The interned action types, to tell which entries of <see cref="_interned"/> are still unbound.</summary>
    private readonly string[] _keys;
    private readonly ActionPlan<TContext>[] _internedPlans;
    private readonly ActionPlan<TContext> _unknownAction;
    private readonly SignalSchema<TContext> _schema;
    private readonly TextAccessor<TContext> _action;
    private readonly TextAccessor<TContext>? _requestId;
    private readonly RouteLevel _onInvalid;
    private readonly RouteLevel _onUnknownAction;
    private readonly SamplingKey? _samplingKey;
    private Router _router;

    internal CompiledPolicy(
        PolicyNames names, SignalSchema<TContext> schema, Dictionary<string, ActionPlan<TContext>> plans,
        ActionPlan<TContext> unknownAction, RouteLevel onInvalid, RouteLevel onUnknownAction, KillSwitch killSwitch, string description,
        SamplingKey? samplingKey)
    {
        _samplingKey = samplingKey;
        Names = names;
        _schema = schema;
        foreach (var plan in plans.Values)
        {
            plan.Prepare();
        }

        unknownAction.Prepare();
        _plans = plans.ToFrozenDictionary(StringComparer.Ordinal);
        var small = plans.Count <= ReferenceLookupLimit;
        _interned = small ? plans.Keys.Select(string.Intern).ToArray() : [];
        _keys = [.. _interned];
        _internedPlans = small ? plans.Values.ToArray() : [];
        _unknownAction = unknownAction;
        _action = schema.ActionTypeAccessor!;
        _requestId = schema.RequestIdAccessor;
        _onInvalid = onInvalid;
        _onUnknownAction = onUnknownAction;
        KillSwitch = killSwitch;
        Description = description;
        var router = schema.Reader?.CreateRouter(this, schema.AccessorsCannotThrow) ?? CreateRouter(new DelegateRead<TContext>(schema));
        _router = schema.AccessorsCannotThrow ? router : new GuardedRouter(this, router);
    }

    /// <inheritdoc />
    public string PolicyId => Names.Id;

    /// <inheritdoc />
    public string PolicyVersion => Names.Version;

    /// <summary>
    /// The SHA-256 digest (lower-case hex) of the policy definition this was compiled from, in its canonical JSON: the
    /// same digest a <see cref="Review.ReloadablePolicy{TContext}"/> records, so a decision record names exactly the
    /// policy content that made it.
    /// </summary>
    public string PolicyHash { get; internal set; } = "";

    /// <summary>What the policy is for, from its definition.</summary>
    public string Description { get; }

    /// <summary>The reviewer tiers, lowest first.</summary>
    public IReadOnlyList<string> Tiers => Names.Tiers;

    /// <summary>The action types the policy declares.</summary>
    public IEnumerable<string> ActionTypes => _plans.Keys;

    /// <summary>The fingerprint of the key the audit sample is keyed with, or <see langword="null"/> when the sample is unkeyed (evadable by chosen request ids).</summary>
    public string? SamplingKeyFingerprint => _samplingKey?.Fingerprint;

    /// <summary>The kill switch this policy obeys (shared across reloads when the caller passes the same one).</summary>
    public KillSwitch KillSwitch { get; }

    internal PolicyNames Names { get; }

    internal ActionPlan<TContext> UnknownPlan => _unknownAction;

    internal RouteLevel OnInvalid => _onInvalid;

    internal RouteLevel OnUnknownAction => _onUnknownAction;

    internal SamplingKey? SamplingKey => _samplingKey;

    /// <summary>
    /// Whether <see cref="Route"/> runs through a <see cref="PolicyRouter{TContext}"/> written for this policy (passed to
    /// <see cref="PolicyCompiler.Compile{TContext}(PolicyDefinition, SignalSchema{TContext}, PolicyRouter{TContext}, KillSwitch?, SamplingKey?)"/>
    /// and written for exactly this definition and schema) rather than through the interpreter.
    /// </summary>
    public bool IsPrecompiled { get; private set; }

    /// <summary>
    /// Writes this policy as the C# source of a <see cref="PolicyRouter{TContext}"/>: every rule as straight-line code
    /// with its constants in place, reading through the schema's static reader (a <c>[HitlSignals]</c> type, or one
    /// attached with <see cref="SignalSchema{TContext}.WithReader{TReader}"/>). Add the file to the host's project and
    /// pass a new instance to <see cref="PolicyCompiler.Compile{TContext}(PolicyDefinition, SignalSchema{TContext}, PolicyRouter{TContext}, KillSwitch?, SamplingKey?)"/>;
    /// it decides exactly as the interpreter does, at about the cost of a hand-written <c>if</c> chain, under the JIT and
    /// under Native AOT alike. Every text from the policy is written as an escaped literal.
    /// </summary>
    /// <param name="namespace">The namespace of the written class, for example <c>MyApp.Routing</c>.</param>
    /// <param name="className">The name of the written class, for example <c>RefundsRouter</c>.</param>
    /// <returns>The source of one C# file.</returns>
    /// <exception cref="ArgumentException">A name is not a C# identifier (or dotted namespace).</exception>
    /// <exception cref="NotSupportedException">The schema has no static reader, or a type is generic.</exception>
    public string WriteRouterSource(string @namespace, string className) =>
        RouterSourceWriter<TContext>.Write(this, _schema, @namespace, className);

    /// <summary>Routes through <paramref name="router"/> when it was written for this policy; the interpreter stays otherwise.</summary>
    internal void Attach(PolicyRouter<TContext> router)
    {
        if (!router.Fits(this, _schema))
        {
            return;
        }

        router.Bind(this, _schema);
        var precompiled = new PrecompiledRouter(router);
        _router = _schema.AccessorsCannotThrow ? precompiled : new GuardedRouter(this, precompiled);
        IsPrecompiled = true;
    }

    /// <summary>
    /// The request id of a context, read with the schema's request-id accessor; <see langword="null"/> when the schema has
    /// none or the accessor throws. Allocates nothing beyond what the host's accessor does.
    /// </summary>
    internal string? RequestIdOf(in TContext context)
    {
        if (_requestId is null)
        {
            return null;
        }

        try
        {
            return _requestId(in context);
        }
#pragma warning disable CA1031 // Read for a record beside the decision: a host accessor that throws only leaves the id out.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>The rule ids that apply to an action type, in evaluation order.</summary>
    /// <param name="actionType">The action type.</param>
    /// <returns>The ids; the defaults' rules for an undeclared action type.</returns>
    public IReadOnlyList<string> RuleIdsFor(string actionType) => PlanFor(actionType).Names.RuleIds;

    /// <inheritdoc />
    public Decision Route(in TContext context)
    {
        // The hot path has no exception handling of its own: behind accessors that may throw, a GuardedRouter re-evaluates
        // on the guarded path whatever throws in it; behind generated field reads, nothing can.
        return _router.Route(in context);
    }

    /// <summary>
    /// <see cref="Route"/> with every host call guarded: each failure is a rule fault that stops for a person (DESIGN 3),
    /// never an exception, attributed to the rule that was being evaluated. Off the hot path: it runs when the hot path
    /// threw. With <paramref name="faultSeen"/>, the decision is a rule fault even if nothing throws this time (an
    /// accessor that throws only sometimes is not to be trusted with an automatic route).
    /// </summary>
    /// <param name="context">The context.</param>
    /// <param name="faultSeen">Whether an earlier evaluation of the same call threw.</param>
    /// <returns>The decision.</returns>
    internal Decision RouteGuarded(in TContext context, bool faultSeen)
    {
        string? action;
        var actionFaulted = false;
        try
        {
            action = _action(in context);
        }
#pragma warning disable CA1031 // A host accessor that throws must fail closed, whatever it throws.
        catch (Exception)
#pragma warning restore CA1031
        {
            action = null;
            actionFaulted = true;
        }

        ActionPlan<TContext>? plan = null;
        if (action is not null)
        {
            var interned = _interned;
            for (var i = 0; i < interned.Length; i++)
            {
                if (ReferenceEquals(interned[i], action))
                {
                    plan = _internedPlans[i];
                    break;
                }
            }

            plan ??= FindByValue(action);
        }

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
                flags |= DecisionFlags.UnknownActionType;
            }
        }

        var program = plan.Program;
        var effect = RuleEffect.None;
        var current = -1;
        var faulted = false;
        try
        {
            ReadSignals(plan, in context, ref frame);
            var checks = plan.Checks;
            for (var k = 0; k < checks.Length; k++)
            {
                current = plan.CheckRules[k];
                if (checks[k].IsInvalid(in context))
                {
                    frame.MarkInvalid(checks[k].SignalIndex);
                }
            }

            current = -1;
            foreach (ref readonly var rule in program.General.AsSpan())
            {
                current = rule.Index;
                if (rule.When.Evaluate(in context, ref frame))
                {
                    effect.Add(in rule.Effect);
                }
            }
        }
#pragma warning disable CA1031 // A host accessor that throws must fail closed, whatever it throws.
        catch (Exception)
#pragma warning restore CA1031
        {
            faulted = true;
        }

        if (!faulted)
        {
            effect = program.WithTables(ref frame, effect);
        }
        else if (current >= 0)
        {
            effect = program.WithFoldedBefore(current, ref frame, effect);
        }

        // The first rule (in evaluation order) that proposed the final route decides, also when that is the default route.
        var route = plan.Floor;
        int decider = Decision.DeciderDefault;
        if (effect.Route >= route && effect.First != int.MaxValue)
        {
            route = effect.Route;
            decider = effect.First;
        }

        int tier = effect.Tier, approvals = effect.Approvals;
        var deadline = effect.Deadline;
        var onTimeout = effect.OnTimeout;
        if (effect.Truncated)
        {
            flags |= DecisionFlags.FiredRulesTruncated;
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

        if (faulted || actionFaulted)
        {
            flags |= DecisionFlags.RuleFault;
            route = RouteLevelExtensions.Max(route, _onInvalid);
            decider = faulted && current >= 0 && current < plan.Rules.Length ? current : Decision.DeciderRuleFault;
        }

        if (route == Policy.RouteLevel.AutoExecuteWithNotice && frame.Reversibility == Reversibility.Irreversible)
        {
            route = Policy.RouteLevel.Review;
            decider = Decision.DeciderIrreversible;
            flags |= DecisionFlags.IrreversibleRaised;
        }

        if (plan.KilledByPolicy || KillSwitch.IsEngaged(action))
        {
            flags |= DecisionFlags.KillSwitchActive;
            if (route.IsAutomatic())
            {
                route = Policy.RouteLevel.Review;
                decider = Decision.DeciderKillSwitch;
            }
        }

        if (route.IsAutomatic() && plan.SampleRate > 0)
        {
            bool sampled;
            try
            {
                sampled = RequestSampler.IsSampled(_requestId?.Invoke(in context), plan.SampleSalt, plan.SampleThreshold, _samplingKey);
            }
#pragma warning disable CA1031 // A request-id accessor that throws fails closed like every other accessor.
            catch (Exception)
#pragma warning restore CA1031
            {
                sampled = true;
                flags |= DecisionFlags.RuleFault;
                route = RouteLevelExtensions.Max(route, _onInvalid);
                decider = Decision.DeciderRuleFault;
            }

            if (sampled)
            {
                flags |= DecisionFlags.SampledForAudit;
                if (plan.SampleMode == SamplingMode.Review && route.IsAutomatic())
                {
                    route = Policy.RouteLevel.Review;
                    decider = Decision.DeciderAuditSample;
                }
            }
        }

        if (faultSeen && (flags & DecisionFlags.RuleFault) == 0)
        {
            // The hot path threw and this evaluation did not: the decision is a rule fault all the same.
            flags |= DecisionFlags.RuleFault;
            route = RouteLevelExtensions.Max(route, _onInvalid);
            decider = Decision.DeciderRuleFault;
        }

        if (route is Policy.RouteLevel.Review or Policy.RouteLevel.Escalate)
        {
            var settings = route == Policy.RouteLevel.Review ? plan.Review : plan.Escalate;
            tier = Math.Max(tier, settings.Tier);
            approvals = Math.Max(Math.Max(approvals, settings.Approvals), 1);
            deadline = Math.Min(deadline, settings.DeadlineTicks);
            onTimeout = RouteLevelExtensions.Max(onTimeout, settings.OnTimeout);
        }
        else
        {
            tier = 0;
            approvals = 0;
            deadline = 0;
        }

        return new Decision(plan.Names, route, tier, approvals, deadline, onTimeout, flags, decider, frame.InvalidSignal, effect.Fired0, effect.Fired1);
    }

    private void ReadSignals(ActionPlan<TContext> plan, in TContext context, ref SignalFrame frame)
    {
        var reads = plan.Reads;
        if ((reads & SignalReads.Confidence) != 0)
        {
            frame.Confidence = Unit(_schema.ConfidenceAccessor!(in context), StandardSignals.ConfidenceIndex, 0, ref frame);
        }

        if ((reads & SignalReads.Risk) != 0)
        {
            frame.Risk = plan.RiskFactors.Length == 0
                ? Unit(_schema.RiskAccessor!(in context), StandardSignals.RiskIndex, 1, ref frame)
                : ComputeRisk(plan.RiskFactors, plan.RiskWeightTotal, in context, ref frame);
        }

        if ((reads & SignalReads.Evidence) != 0)
        {
            frame.Evidence = Unit(_schema.EvidenceAccessor!(in context), StandardSignals.EvidenceIndex, 0, ref frame);
        }

        if ((reads & SignalReads.Amount) != 0)
        {
            var amount = _schema.AmountAccessor!(in context);
            if (!(amount >= 0 && double.IsFinite(amount)))
            {
                frame.MarkInvalid(StandardSignals.AmountIndex);
                amount = double.MaxValue;
            }

            frame.Amount = amount;
        }

        if ((reads & SignalReads.Category) != 0)
        {
            frame.Category = _schema.CategoryAccessor!(in context);
            if (frame.Category is null)
            {
                frame.MarkInvalid(StandardSignals.CategoryIndex);
            }
        }

        if ((reads & SignalReads.Reversibility) != 0)
        {
            var reversibility = _schema.ReversibilityAccessor!(in context);
            if ((byte)reversibility > (byte)Reversibility.Irreversible)
            {
                frame.MarkInvalid(StandardSignals.ReversibilityIndex);
                reversibility = Reversibility.Irreversible;
            }

            frame.Reversibility = reversibility;
        }
        else
        {
            // Without a way to know the action can be undone, it counts as irreversible: notice-only needs a way back.
            frame.Reversibility = Reversibility.Irreversible;
        }

        if ((reads & SignalReads.Sensitive) != 0)
        {
            frame.Sensitive = _schema.SensitiveAccessor is { } sensitive
                ? sensitive(in context)
                : Optional(_schema.OptionalSensitiveAccessor!(in context) ?? plan.SensitiveDefault, StandardSignals.SensitiveIndex, ref frame);
        }

        if ((reads & SignalReads.Vulnerable) != 0)
        {
            frame.Vulnerable = _schema.VulnerableAccessor is { } vulnerable
                ? vulnerable(in context)
                : Optional(_schema.OptionalVulnerableAccessor!(in context) ?? plan.VulnerableDefault, StandardSignals.VulnerableIndex, ref frame);
        }
    }

    /// <summary>A standard flag the host may leave out: left out (and without a policy default) it is invalid and reads as true, its riskiest value.</summary>
    private static bool Optional(bool? value, int signalIndex, ref SignalFrame frame)
    {
        if (value is { } given)
        {
            return given;
        }

        frame.MarkInvalid(signalIndex);
        return true;
    }

    /// <summary>Checks a signal that must lie in [0, 1]; an invalid one is marked and read as its riskiest value.</summary>
    private static double Unit(double value, int signalIndex, double riskiest, ref SignalFrame frame)
    {
        if (value >= 0 && value <= 1)
        {
            return value;
        }

        frame.MarkInvalid(signalIndex);
        return riskiest;
    }

    /// <summary>
    /// The weighted mean of the risk factors. The compiler refuses weights whose sum is not finite; a computed value that
    /// is not finite all the same is an invalid risk signal and reads as the riskiest value, 1.
    /// </summary>
    internal static double ComputeRisk(RiskFactor<TContext>[] factors, double weightTotal, in TContext context, ref SignalFrame frame)
    {
        var sum = 0.0;
        foreach (var factor in factors)
        {
            var value = factor.Accessor(in context);
            if (!(value >= 0 && value <= 1))
            {
                frame.MarkInvalid(factor.SignalIndex);
                value = 1;
            }

            sum += factor.Weight * value;
        }

        var risk = sum / weightTotal;
        if (!(risk >= 0 && double.IsFinite(risk)))
        {
            frame.MarkInvalid(StandardSignals.RiskIndex);
            return 1;
        }

        return Math.Min(1, risk);
    }

    /// <summary>
    /// The plan of an action type that the reference lookup missed, by its text. A declared type's entry in
    /// <see cref="_interned"/> is rebound to this instance the first time only: a host that passes the same constant on
    /// every call then matches by reference from the second call on, and a host that passes a new string on every call
    /// writes nothing shared. The write is a single reference to a string equal to the entry's, so a race between two
    /// calls leaves either, both right.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal ActionPlan<TContext>? FindByValue(string action)
    {
        if (!_plans.TryGetValue(action, out var plan))
        {
            return null;
        }

        var plans = _internedPlans;
        for (var i = 0; i < plans.Length && i < _keys.Length; i++)
        {
            if (ReferenceEquals(plans[i], plan))
            {
                if (ReferenceEquals(_interned[i], _keys[i]))
                {
                    _interned[i] = action;
                }

                break;
            }
        }

        return plan;
    }

    /// <summary>How many rules of an action type's plan are evaluated one by one (the rest are folded); for tests.</summary>
    internal int GeneralRuleCount(string? actionType) => PlanFor(actionType).Program.General.Length;

    internal ActionPlan<TContext> PlanFor(string? actionType) =>
        actionType is not null && _plans.TryGetValue(actionType, out var plan) ? plan : _unknownAction;
}
