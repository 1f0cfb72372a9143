using System.Globalization;
using Hitl.Policy.Definition;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Checks a live shadow's options at start (<c>ValidateOnStart</c>): every field in range, named with its value, and the
/// candidate loaded and compiled against the context's schema, its errors named as the shadow candidate's.
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
internal sealed class ShadowPolicyOptionsValidator<TContext>(string optionsName, string? policyName, Func<PolicyDefinition, SignalSchema<TContext>> schema)
    : IValidateOptions<ShadowPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, ShadowPolicyOptions options)
    {
        if (!string.Equals(name ?? Options.DefaultName, optionsName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var prefix = Prefix(policyName);
        var problems = new List<string>(options.BindingProblems.Select(p => prefix + p));
        problems.AddRange(CheckFields(options).Select(p => prefix + p));
        if (options.BindingProblems.Count == 0)
        {
            problems.AddRange(Compile(options, schema, out _).Select(e => prefix + e));
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>How a message about the shadow candidate starts: which policy's candidate it is.</summary>
    internal static string Prefix(string? policyName) =>
        policyName is null ? "Hitl shadow candidate: " : $"Hitl shadow candidate of the policy '{policyName}': ";

    /// <summary>Loads and compiles the candidate; every error when it cannot be, else the definition.</summary>
    internal static IReadOnlyList<PolicyError> Compile(ShadowPolicyOptions options, Func<PolicyDefinition, SignalSchema<TContext>> schema, out PolicyDefinition? definition)
    {
        definition = PolicySource.Load(options.AsPolicySource(), out var errors);
        if (definition is null)
        {
            return errors;
        }

        errors = PolicyCompiler.Validate(definition, schema(definition));
        if (errors.Count > 0)
        {
            definition = null;
        }

        return errors;
    }

    internal static List<string> CheckFields(ShadowPolicyOptions options)
    {
        var problems = new List<string>();
        if (!(options.SampleRate >= 0 && options.SampleRate <= 1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{nameof(ShadowPolicyOptions)}.{nameof(ShadowPolicyOptions.SampleRate)}: must be from 0 to 1 (the share of differing decisions recorded), found {options.SampleRate}."));
        }

        if (options.Capacity < 1 || options.Capacity > ShadowPolicyOptions.MaxCapacity)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{nameof(ShadowPolicyOptions)}.{nameof(ShadowPolicyOptions.Capacity)}: must be from 1 to {ShadowPolicyOptions.MaxCapacity} records, found {options.Capacity}."));
        }

        if (options.FlushInterval <= TimeSpan.Zero || options.FlushInterval > TimeSpan.FromHours(1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{nameof(ShadowPolicyOptions)}.{nameof(ShadowPolicyOptions.FlushInterval)}: must be more than zero and at most one hour, found {options.FlushInterval:c}."));
        }

        if (options.RecordPath is { } path)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                problems.Add($"{nameof(ShadowPolicyOptions)}.{nameof(ShadowPolicyOptions.RecordPath)}: give a file path, or leave it out to keep the records in memory only; found '{path}'.");
            }
            else if (Directory.Exists(path))
            {
                problems.Add($"{nameof(ShadowPolicyOptions)}.{nameof(ShadowPolicyOptions.RecordPath)}: '{path}' is a directory; give the path of a file.");
            }
            else if (DirectoryOf(path) is not { } directory)
            {
                problems.Add($"{nameof(ShadowPolicyOptions)}.{nameof(ShadowPolicyOptions.RecordPath)}: '{path}' is not a valid file path.");
            }
            else if (!Directory.Exists(directory))
            {
                problems.Add($"{nameof(ShadowPolicyOptions)}.{nameof(ShadowPolicyOptions.RecordPath)}: the directory of '{path}' does not exist ({directory}).");
            }
        }

        return problems;
    }

    private static string? DirectoryOf(string path)
    {
        try
        {
            return Path.GetDirectoryName(Path.GetFullPath(path));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            return null;
        }
    }
}
