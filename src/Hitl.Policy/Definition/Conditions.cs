namespace Hitl.Policy.Definition;

/// <summary>Builds conditions for <see cref="ActionPolicyBuilder.Rule(string, ConditionDefinition, RouteLevel, string?, int?, TimeSpan?, string?)"/>.</summary>
/// <example><c>Conditions.All(When.Field("loan.amount").GreaterThan(10_000), Conditions.Field("customer.isNew").IsTrue())</c></example>
public static class Conditions
{
    /// <summary>A comparison on a field or standard signal.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The field, to pick an operator on.</returns>
    public static FieldComparison Field(string name) => new(name);

    /// <summary>All of the conditions hold.</summary>
    /// <param name="conditions">The conditions.</param>
    /// <returns>The condition.</returns>
    public static ConditionDefinition All(params ConditionDefinition[] conditions) => new() { All = [.. conditions] };

    /// <summary>At least one of the conditions holds.</summary>
    /// <param name="conditions">The conditions.</param>
    /// <returns>The condition.</returns>
    public static ConditionDefinition Any(params ConditionDefinition[] conditions) => new() { Any = [.. conditions] };

    /// <summary>The condition does not hold.</summary>
    /// <param name="condition">The condition.</param>
    /// <returns>The condition.</returns>
    public static ConditionDefinition Not(ConditionDefinition condition) => new() { Not = condition };
}

/// <summary>A field awaiting its operator.</summary>
/// <param name="Name">The field name.</param>
public readonly record struct FieldComparison(string Name)
{
    /// <summary>Greater than.</summary>
    /// <param name="value">The constant.</param>
    /// <returns>The condition.</returns>
    public ConditionDefinition GreaterThan(double value) => new() { Field = Name, Gt = value };

    /// <summary>Greater than or equal to.</summary>
    /// <param name="value">The constant.</param>
    /// <returns>The condition.</returns>
    public ConditionDefinition AtLeast(double value) => new() { Field = Name, Gte = value };

    /// <summary>Less than.</summary>
    /// <param name="value">The constant.</param>
    /// <returns>The condition.</returns>
    public ConditionDefinition LessThan(double value) => new() { Field = Name, Lt = value };

    /// <summary>Less than or equal to.</summary>
    /// <param name="value">The constant.</param>
    /// <returns>The condition.</returns>
    public ConditionDefinition AtMost(double value) => new() { Field = Name, Lte = value };

    /// <summary>Equal to.</summary>
    /// <param name="value">The constant.</param>
    /// <returns>The condition.</returns>
    public ConditionDefinition EqualTo(ScalarValue value) => new() { Field = Name, Eq = value };

    /// <summary>Not equal to.</summary>
    /// <param name="value">The constant.</param>
    /// <returns>The condition.</returns>
    public ConditionDefinition NotEqualTo(ScalarValue value) => new() { Field = Name, Ne = value };

    /// <summary>One of the values.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The condition.</returns>
    public ConditionDefinition In(params ScalarValue[] values) => new() { Field = Name, In = [.. values] };

    /// <summary>Between two numbers, both included.</summary>
    /// <param name="low">The lowest value.</param>
    /// <param name="high">The highest value.</param>
    /// <returns>The condition.</returns>
    public ConditionDefinition Between(double low, double high) => new() { Field = Name, Between = [low, high] };

    /// <summary>The flag is true.</summary>
    /// <returns>The condition.</returns>
    public ConditionDefinition IsTrue() => new() { Field = Name, Eq = true };

    /// <summary>The flag is false.</summary>
    /// <returns>The condition.</returns>
    public ConditionDefinition IsFalse() => new() { Field = Name, Eq = false };
}
