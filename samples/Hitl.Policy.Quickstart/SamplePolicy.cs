using Hitl.Policy.Definition;

namespace Hitl.Policy.Quickstart;

/// <summary>
/// The shipped policy, samples/policies/operations.json, embedded in the assembly so the quickstart (and its tests)
/// run from any folder.
/// </summary>
internal static class SamplePolicy
{
    public const string FileName = "operations.json";

    public static PolicyDefinition Load()
    {
        using var stream = typeof(SamplePolicy).Assembly.GetManifestResourceStream(FileName)
            ?? throw new InvalidOperationException($"The embedded policy '{FileName}' is missing from the quickstart assembly.");
        using var reader = new StreamReader(stream);
        return PolicyJson.Parse(reader.ReadToEnd());
    }
}
