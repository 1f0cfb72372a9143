using Hitl.Policy.Cli.Cases;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Cli.Loading;

/// <summary>
/// A policy file read and compiled over <see cref="Signals"/>, with the schema that types the host fields of a case.
/// </summary>
internal sealed class PolicyFile
{
    private PolicyFile(string path, PolicyDefinition definition, CompiledPolicy<Signals> policy)
    {
        Path = path;
        Definition = definition;
        Policy = policy;
        Cases = new CaseSchema(definition);
    }

    /// <summary>The path as the user gave it.</summary>
    public string Path { get; }

    /// <summary>The policy as written.</summary>
    public PolicyDefinition Definition { get; }

    /// <summary>The compiled policy.</summary>
    public CompiledPolicy<Signals> Policy { get; }

    /// <summary>How cases for this policy are read.</summary>
    public CaseSchema Cases { get; }

    /// <summary>Reads the definition only, for <c>validate</c>, which reports policy errors rather than stopping on them.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The definition, or the errors that stopped reading it (malformed JSON).</returns>
    /// <exception cref="CliException">The file is missing or unreadable.</exception>
    public static (PolicyDefinition? Definition, IReadOnlyList<PolicyError> Errors) Read(string path)
    {
        var bytes = InputFile.ReadBytes(path, "policy file");
        try
        {
            return (PolicyJson.Parse(bytes), []);
        }
        catch (PolicyValidationException ex)
        {
            return (null, ex.Errors);
        }
    }

    /// <summary>Reads and compiles a policy, for the commands that run it.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The compiled policy.</returns>
    /// <exception cref="CliException">The file is missing, unreadable, or the policy does not compile (every error listed).</exception>
    public static PolicyFile Load(string path)
    {
        var (definition, errors) = Read(path);
        if (definition is not null)
        {
            try
            {
                return new PolicyFile(path, definition, PolicyCompiler.Compile(definition, Signals.SchemaFor(definition)));
            }
            catch (PolicyValidationException ex)
            {
                errors = ex.Errors;
            }
        }

        var what = errors.All(e => e.Code == PolicyErrorCode.MalformedJson) ? "is not valid JSON" : "does not compile";
        throw new CliException(
            $"The policy file '{path}' {what} ({Plural(errors.Count, "error")}):",
            ExitCodes.Usage,
            errors.Select(e => PolicyErrorText.Format(path, e)).ToList());
    }

    internal static string Plural(int count, string noun) =>
        count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + noun + (count == 1 ? "" : "s");
}
