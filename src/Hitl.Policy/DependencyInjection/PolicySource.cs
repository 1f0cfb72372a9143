using Hitl.Policy.Definition;

namespace Hitl.Policy.DependencyInjection;

/// <summary>Reads the policy the options point at, turning every failure into policy errors.</summary>
internal static class PolicySource
{
    public static PolicyDefinition? Load(HitlPolicyOptions options, out IReadOnlyList<PolicyError> errors)
    {
        var given = (options.PolicyPath is not null ? 1 : 0) + (options.PolicyJson is not null ? 1 : 0) + (options.Policy is not null ? 1 : 0);
        if (given != 1)
        {
            errors = [new PolicyError(PolicyErrorCode.MissingValue, "$",
                $"Give exactly one policy source: PolicyPath, PolicyJson or Policy ({given} given).")];
            return null;
        }

        try
        {
            var definition = options.Policy
                ?? (options.PolicyJson is { } json ? PolicyJson.Parse(json) : PolicyJson.Load(options.PolicyPath!));
            errors = [];
            return definition;
        }
        catch (PolicyValidationException ex)
        {
            errors = ex.Errors;
        }
        catch (IOException ex)
        {
            errors = [new PolicyError(PolicyErrorCode.MissingValue, "$", $"Policy file '{options.PolicyPath}' cannot be read: {ex.Message}", options.PolicyPath)];
        }
        catch (UnauthorizedAccessException ex)
        {
            errors = [new PolicyError(PolicyErrorCode.MissingValue, "$", $"Policy file '{options.PolicyPath}' cannot be read: {ex.Message}", options.PolicyPath)];
        }

        return null;
    }
}
