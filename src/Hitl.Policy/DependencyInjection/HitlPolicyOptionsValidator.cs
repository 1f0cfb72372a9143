using Hitl.Policy.Definition;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Checks the policy the options point at, at start (<c>ValidateOnStart</c>), and lists every error. Once a policy is
/// active, a bad reload is not an options failure: the active policy stays and the reload is logged as rejected.
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
internal sealed class HitlPolicyOptionsValidator<TContext>(string optionsName, Func<PolicyDefinition, SignalSchema<TContext>> schema, PolicyActivationState state)
    : IValidateOptions<HitlPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, HitlPolicyOptions options)
    {
        if (!string.Equals(name ?? Options.DefaultName, optionsName, StringComparison.Ordinal) || state.Started)
        {
            return ValidateOptionsResult.Skip;
        }

        if (options.BindingProblems.Count > 0)
        {
            return ValidateOptionsResult.Fail(options.BindingProblems.Select(p => "Hitl policy: " + p));
        }

        var errors = Check(options, schema);
        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors.Select(e => "Hitl policy: " + e));
    }

    internal static IReadOnlyList<PolicyError> Check(HitlPolicyOptions options, Func<PolicyDefinition, SignalSchema<TContext>> schema)
    {
        var definition = PolicySource.Load(options, out var errors);
        return definition is null ? errors : PolicyCompiler.Validate(definition, schema(definition));
    }
}

/// <summary>Whether the first policy is active (after which reloads are checked by the reloader, not by options validation).</summary>
internal sealed class PolicyActivationState
{
    private volatile bool _started;

    public bool Started
    {
        get => _started;
        set => _started = value;
    }
}
