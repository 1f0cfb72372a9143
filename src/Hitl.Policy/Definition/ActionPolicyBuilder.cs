namespace Hitl.Policy.Definition;

/// <summary>Configures the defaults or one action type of a <see cref="PolicyBuilder"/>.</summary>
public sealed class ActionPolicyBuilder
{
    private readonly ActionPolicyDefinition _scope;

    internal ActionPolicyBuilder(ActionPolicyDefinition scope) => _scope = scope;

    /// <summary>Sets the default route: the answer when no rule fires and the floor under every decision.</summary>
    /// <param name="route">The route.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder DefaultRoute(RouteLevel route)
    {
        _scope.Route = route;
        return this;
    }

    /// <summary>Adds a confidence band [min, max) (a band ending at 1 includes 1).</summary>
    /// <param name="id">The rule id.</param>
    /// <param name="min">The lowest confidence of the band.</param>
    /// <param name="max">The upper bound of the band.</param>
    /// <param name="route">The route in the band.</param>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <param name="approvals">The approvals required.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder ConfidenceBand(string id, double min, double max, RouteLevel route, string? tier = null, int? approvals = null)
    {
        (_scope.ConfidenceBands ??= []).Add(new ConfidenceBandDefinition { Id = id, Min = min, Max = max, Route = route, Tier = tier, Approvals = approvals });
        return this;
    }

    /// <summary>Adds a weighted risk factor; risk is then computed from the factors instead of read from the host.</summary>
    /// <param name="field">A host-defined number field in [0, 1].</param>
    /// <param name="weight">The weight, above 0.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder RiskFactor(string field, double weight)
    {
        ((_scope.Risk ??= new RiskDefinition()).Factors ??= []).Add(new RiskFactorDefinition { Field = field, Weight = weight });
        return this;
    }

    /// <summary>Adds a risk threshold: at or above <paramref name="atLeast"/>, at least <paramref name="route"/>.</summary>
    /// <param name="id">The rule id.</param>
    /// <param name="atLeast">The threshold in [0, 1].</param>
    /// <param name="route">The route.</param>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <param name="approvals">The approvals required.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder RiskThreshold(string id, double atLeast, RouteLevel route = RouteLevel.Review, string? tier = null, int? approvals = null)
    {
        ((_scope.Risk ??= new RiskDefinition()).Thresholds ??= []).Add(
            new RiskThresholdDefinition { Id = id, AtLeast = atLeast, Route = route, Tier = tier, Approvals = approvals });
        return this;
    }

    /// <summary>Adds an impact tier by amount.</summary>
    /// <param name="id">The rule id.</param>
    /// <param name="amountAtLeast">The amount from which the tier applies.</param>
    /// <param name="route">The route.</param>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <param name="approvals">The approvals required.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder ImpactTier(string id, double amountAtLeast, RouteLevel route = RouteLevel.Review, string? tier = null, int? approvals = null)
    {
        (_scope.ImpactTiers ??= []).Add(new ImpactTierDefinition { Id = id, AmountAtLeast = amountAtLeast, Route = route, Tier = tier, Approvals = approvals });
        return this;
    }

    /// <summary>Adds an impact tier by category.</summary>
    /// <param name="id">The rule id.</param>
    /// <param name="categories">The categories to which the tier applies.</param>
    /// <param name="route">The route.</param>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <param name="approvals">The approvals required.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder ImpactCategories(string id, IEnumerable<string> categories, RouteLevel route = RouteLevel.Review, string? tier = null, int? approvals = null)
    {
        (_scope.ImpactTiers ??= []).Add(new ImpactTierDefinition { Id = id, Categories = [.. categories], Route = route, Tier = tier, Approvals = approvals });
        return this;
    }

    /// <summary>Adds an evidence threshold: below <paramref name="below"/>, at least <paramref name="route"/>.</summary>
    /// <param name="id">The rule id.</param>
    /// <param name="below">The threshold in (0, 1].</param>
    /// <param name="route">The route.</param>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder EvidenceBelow(string id, double below, RouteLevel route = RouteLevel.Review, string? tier = null)
    {
        (_scope.Evidence ??= []).Add(new EvidenceThresholdDefinition { Id = id, Below = below, Route = route, Tier = tier });
        return this;
    }

    /// <summary>Sets the gate for actions that are costly to reverse (or worse).</summary>
    /// <param name="route">The route.</param>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <param name="id">The rule id; defaults to <c>scope.reversibility.costly-to-reverse</c>.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder CostlyToReverse(RouteLevel route, string? tier = null, string? id = null)
    {
        (_scope.Reversibility ??= new ReversibilityDefinition()).CostlyToReverse = new GateDefinition { Id = id, Route = route, Tier = tier };
        return this;
    }

    /// <summary>Sets the gate for irreversible actions (a stronger floor than the built-in one).</summary>
    /// <param name="route">The route.</param>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <param name="id">The rule id; defaults to <c>scope.reversibility.irreversible</c>.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder Irreversible(RouteLevel route, string? tier = null, string? id = null)
    {
        (_scope.Reversibility ??= new ReversibilityDefinition()).Irreversible = new GateDefinition { Id = id, Route = route, Tier = tier };
        return this;
    }

    /// <summary>Sets the gate for outputs that touch sensitive matters.</summary>
    /// <param name="route">The route.</param>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <param name="id">The rule id; defaults to <c>scope.sensitive</c>.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder Sensitive(RouteLevel route, string? tier = null, string? id = null)
    {
        _scope.Sensitive = new GateDefinition { Id = id, Route = route, Tier = tier };
        return this;
    }

    /// <summary>Sets the gate for vulnerable affected persons.</summary>
    /// <param name="route">The route.</param>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <param name="id">The rule id; defaults to <c>scope.vulnerable</c>.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder Vulnerable(RouteLevel route, string? tier = null, string? id = null)
    {
        _scope.Vulnerable = new GateDefinition { Id = id, Route = route, Tier = tier };
        return this;
    }

    /// <summary>Adds a business rule.</summary>
    /// <param name="id">The rule id.</param>
    /// <param name="when">The condition (see <see cref="Conditions"/>).</param>
    /// <param name="route">The minimum route when it holds.</param>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <param name="approvals">The approvals required.</param>
    /// <param name="deadline">The review deadline.</param>
    /// <param name="description">Why the rule exists.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder Rule(string id, ConditionDefinition when, RouteLevel route, string? tier = null, int? approvals = null, TimeSpan? deadline = null, string? description = null)
    {
        (_scope.Rules ??= []).Add(new RuleDefinition
        {
            Id = id,
            Description = description,
            When = when,
            Then = new EffectDefinition { Route = route, Tier = tier, Approvals = approvals, Deadline = deadline },
        });
        return this;
    }

    /// <summary>Samples auto-executed decisions for audit, deterministically by request id.</summary>
    /// <param name="rate">The share in [0, 1].</param>
    /// <param name="mode">Flag for an after-the-fact audit, or send to review first.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder Sample(double rate, SamplingMode mode = SamplingMode.Flag)
    {
        _scope.Sampling = new SamplingDefinition { Rate = rate, Mode = mode };
        return this;
    }

    /// <summary>Sets tier, approvals, deadline and timeout fallback for review.</summary>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <param name="approvals">The approvals required.</param>
    /// <param name="deadline">The deadline.</param>
    /// <param name="onTimeout">Escalate or block.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder Review(string? tier = null, int? approvals = null, TimeSpan? deadline = null, RouteLevel? onTimeout = null)
    {
        _scope.Review = new ReviewSettingsDefinition { Tier = tier, Approvals = approvals, Deadline = deadline, OnTimeout = onTimeout };
        return this;
    }

    /// <summary>Sets tier, approvals, deadline and timeout fallback for escalate.</summary>
    /// <param name="tier">The reviewer tier, by name.</param>
    /// <param name="approvals">The approvals required.</param>
    /// <param name="deadline">The deadline.</param>
    /// <param name="onTimeout">Escalate or block.</param>
    /// <returns>This builder.</returns>
    public ActionPolicyBuilder Escalate(string? tier = null, int? approvals = null, TimeSpan? deadline = null, RouteLevel? onTimeout = null)
    {
        _scope.Escalate = new ReviewSettingsDefinition { Tier = tier, Approvals = approvals, Deadline = deadline, OnTimeout = onTimeout };
        return this;
    }
}
