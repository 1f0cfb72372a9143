using Hitl.Policy.Definition;

namespace Hitl.Policy.Cli.Cases;

/// <summary>The host fields a policy declares, by name and type: what a case may put under <c>fields</c>.</summary>
internal sealed class CaseSchema
{
    private readonly Dictionary<string, FieldType> _fields = new(StringComparer.Ordinal);

    public CaseSchema(PolicyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        foreach (var (name, field) in definition.Fields ?? [])
        {
            if (field is not null && !string.IsNullOrWhiteSpace(name) && !CaseReader.IsStandardSignal(name))
            {
                _fields[name] = field.Type;
            }
        }
    }

    /// <summary>The declared host fields in name order.</summary>
    public IEnumerable<string> FieldNames => _fields.Keys.Order(StringComparer.Ordinal);

    /// <summary>Looks up a host field's declared type.</summary>
    public bool TryGetType(string name, out FieldType type) => _fields.TryGetValue(name, out type);
}
