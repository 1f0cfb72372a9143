namespace Hitl.Policy;

/// <summary>Reads a number from the host's context. Return <see cref="double.NaN"/> when the value is missing.</summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <param name="context">The context.</param>
/// <returns>The value.</returns>
public delegate double NumberAccessor<TContext>(in TContext context);

/// <summary>Reads a text value from the host's context. Return <see langword="null"/> when the value is missing.</summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <param name="context">The context.</param>
/// <returns>The value.</returns>
public delegate string? TextAccessor<TContext>(in TContext context);

/// <summary>Reads a yes/no value from the host's context.</summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <param name="context">The context.</param>
/// <returns>The value.</returns>
public delegate bool FlagAccessor<TContext>(in TContext context);

/// <summary>
/// Reads a yes/no value that the host may not know. Return <see langword="null"/> when the value was left out: unless
/// the policy declares a default for it, a left-out flag that a rule reads is an invalid signal and counts as its
/// riskiest value (the value that makes the rule apply).
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <param name="context">The context.</param>
/// <returns>The value, or <see langword="null"/> when it was left out.</returns>
public delegate bool? OptionalFlagAccessor<TContext>(in TContext context);

/// <summary>Reads how reversible the action is from the host's context.</summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <param name="context">The context.</param>
/// <returns>The value.</returns>
public delegate Reversibility ReversibilityAccessor<TContext>(in TContext context);
