namespace Hitl.Policy.Definition;

/// <summary>
/// Writes a policy in C#. Produces the same <see cref="PolicyDefinition"/> that a JSON document would, so both forms
/// compile to the same plan and are validated the same way (errors name the JSON path the call corresponds to).
/// </summary>
/// <example>
/// <code>
/// var policy = new PolicyBuilder("refunds", "1.0")
///     .Tiers("agent", "supervisor")
///     .Defaults(d => d
///         .ConfidenceBand("confident", 0.9, 1.0, RouteLevel.AutoExecute)
///         .ConfidenceBand("unsure", 0.6, 0.9, RouteLevel.Review)
///         .ConfidenceBand("guessing", 0.0, 0.6, RouteLevel.Escalate))
///     .Action("refund.issue", a => a.ImpactTier("large-refund", amountAtLeast: 500, tier: "supervisor"))
///     .Compile(schema);
/// </code>
/// </example>
public sealed class PolicyBuilder
{
    private readonly PolicyDefinition _definition;

    /// <summary>Starts a policy.</summary>
    /// <param name="id">The policy id.</param>
    /// <param name="version">The policy version.</param>
    public PolicyBuilder(string id, string version)
    {
        _definition = new PolicyDefinition { Id = id, Version = version };
    }

    /// <summary>Says what the policy is for.</summary>
    /// <param name="description">One sentence.</param>
    /// <returns>This builder.</returns>
    public PolicyBuilder Description(string description)
    {
        _definition.Description = description;
        return this;
    }

    /// <summary>Names the reviewer tiers, lowest first.</summary>
    /// <param name="tiers">The tiers.</param>
    /// <returns>This builder.</returns>
    public PolicyBuilder Tiers(params string[] tiers)
    {
        _definition.Tiers = [.. tiers];
        return this;
    }

    /// <summary>Declares a host-defined number field.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="min">The smallest valid value.</param>
    /// <param name="max">The largest valid value.</param>
    /// <returns>This builder.</returns>
    public PolicyBuilder NumberField(string name, double? min = null, double? max = null) =>
        Field(name, new FieldDefinition { Type = FieldType.Number, Min = min, Max = max });

    /// <summary>Declares a host-defined text field.</summary>
    /// <param name="name">The field name.</param>
    /// <param name="required">Whether a missing value is an invalid signal.</param>
    /// <returns>This builder.</returns>
    public PolicyBuilder TextField(string name, bool required = false) =>
        Field(name, new FieldDefinition { Type = FieldType.Text, Required = required });

    /// <summary>Declares a host-defined flag field.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>This builder.</returns>
    public PolicyBuilder FlagField(string name) => Field(name, new FieldDefinition { Type = FieldType.Flag });

    /// <summary>
    /// Declares the value a declared host field takes when the host leaves it out (see <see cref="FieldDefinition.Default"/>).
    /// Declare the field first.
    /// </summary>
    /// <param name="name">The field name.</param>
    /// <param name="value">The value, of the field's type.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="InvalidOperationException">The field is not declared.</exception>
    public PolicyBuilder FieldDefault(string name, ScalarValue value)
    {
        if (_definition.Fields?.GetValueOrDefault(name) is not { } field)
        {
            throw new InvalidOperationException($"Declare field '{name}' (NumberField, TextField or FlagField) before its default.");
        }

        field.Default = value;
        return this;
    }

    /// <summary>
    /// Declares the values of the standard flags when the host leaves them out (see <see cref="PolicyDefinition.SignalDefaults"/>);
    /// <see langword="null"/> leaves a flag without a default, so that leaving it out fails closed.
    /// </summary>
    /// <param name="sensitive">The value of <c>sensitive</c> when left out.</param>
    /// <param name="vulnerable">The value of <c>vulnerable</c> when left out.</param>
    /// <returns>This builder.</returns>
    public PolicyBuilder SignalDefaults(bool? sensitive = null, bool? vulnerable = null)
    {
        _definition.SignalDefaults = new SignalDefaultsDefinition { Sensitive = sensitive, Vulnerable = vulnerable };
        return this;
    }

    /// <summary>Sets the route when a signal is invalid or a host accessor throws (review or stricter).</summary>
    /// <param name="route">The route.</param>
    /// <returns>This builder.</returns>
    public PolicyBuilder OnInvalidSignal(RouteLevel route)
    {
        _definition.OnInvalidSignal = route;
        return this;
    }

    /// <summary>Sets the route for undeclared action types (review or stricter).</summary>
    /// <param name="route">The route.</param>
    /// <returns>This builder.</returns>
    public PolicyBuilder OnUnknownAction(RouteLevel route)
    {
        _definition.OnUnknownAction = route;
        return this;
    }

    /// <summary>Configures the settings and rules shared by every action type.</summary>
    /// <param name="configure">The configuration.</param>
    /// <returns>This builder.</returns>
    public PolicyBuilder Defaults(Action<ActionPolicyBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _definition.Defaults ??= new ActionPolicyDefinition();
        configure(new ActionPolicyBuilder(_definition.Defaults));
        return this;
    }

    /// <summary>Declares an action type and configures its settings and rules.</summary>
    /// <param name="actionType">The action type, for example <c>loan.approve</c>.</param>
    /// <param name="configure">The configuration.</param>
    /// <returns>This builder.</returns>
    public PolicyBuilder Action(string actionType, Action<ActionPolicyBuilder>? configure = null)
    {
        _definition.Actions ??= [];
        if (!_definition.Actions.TryGetValue(actionType, out var action))
        {
            action = new ActionPolicyDefinition();
            _definition.Actions[actionType] = action;
        }

        configure?.Invoke(new ActionPolicyBuilder(action));
        return this;
    }

    /// <summary>Turns kill switches on for as long as this policy is active.</summary>
    /// <param name="global">Whether every action type is stopped.</param>
    /// <param name="actionTypes">Action types that are stopped.</param>
    /// <returns>This builder.</returns>
    public PolicyBuilder KillSwitch(bool global, params string[] actionTypes)
    {
        _definition.KillSwitch = new KillSwitchDefinition { Global = global, Actions = actionTypes.Length > 0 ? [.. actionTypes] : null };
        return this;
    }

    /// <summary>The definition written so far (not validated).</summary>
    /// <returns>The definition; further calls on this builder keep changing it.</returns>
    public PolicyDefinition Build() => _definition;

    /// <summary>Validates and compiles the policy.</summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="schema">How to read signals from the host's context.</param>
    /// <param name="killSwitch">The kill switch to obey.</param>
    /// <returns>The compiled policy.</returns>
    /// <exception cref="PolicyValidationException">The policy is invalid.</exception>
    public CompiledPolicy<TContext> Compile<TContext>(SignalSchema<TContext> schema, KillSwitch? killSwitch = null) =>
        PolicyCompiler.Compile(_definition, schema, killSwitch);

    private PolicyBuilder Field(string name, FieldDefinition field)
    {
        _definition.Fields ??= new Dictionary<string, FieldDefinition>(StringComparer.Ordinal);
        _definition.Fields[name] = field;
        return this;
    }
}
