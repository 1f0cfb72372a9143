using Hitl.Policy.Definition;

namespace Hitl.Policy.Cli.Cases;

/// <summary>The host fields a policy declares, by name and type: what a case may put under <c>fields</c>.</summary>
internal sealed class CaseSchema
{
    private readonly Dictionary<string, FieldType> _fields = new(StringComparer.Ordinal);

    public CaseSchema(PolicyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        foreach (var (name, type) in Declared(definition))
        {
            _fields[name] = type;
        }
    }

    private CaseSchema()
    {
    }

    /// <summary>The declared host fields in name order.</summary>
    public IEnumerable<string> FieldNames => _fields.Keys.Order(StringComparer.Ordinal);

    /// <summary>
    /// The fields two policies declare together, for cases both read (<c>hitl shadow</c>). A field both declare must have
    /// the same type in each, or one case could not mean the same to both.
    /// </summary>
    /// <exception cref="CliException">A field is declared with two types.</exception>
    public static CaseSchema Union(PolicyDefinition first, string firstName, PolicyDefinition second, string secondName)
    {
        var schema = new CaseSchema();
        foreach (var (name, type) in Declared(first))
        {
            schema._fields[name] = type;
        }

        foreach (var (name, type) in Declared(second))
        {
            if (schema._fields.TryGetValue(name, out var other) && other != type)
            {
                throw new CliException(
                    $"The host field '{name}' is a {Name(other)} in {firstName} but a {Name(type)} in {secondName}; a case cannot give one value to both.");
            }

            schema._fields[name] = type;
        }

        return schema;
    }

    /// <summary>Looks up a host field's declared type.</summary>
    public bool TryGetType(string name, out FieldType type) => _fields.TryGetValue(name, out type);

    private static IEnumerable<(string Name, FieldType Type)> Declared(PolicyDefinition definition)
    {
        foreach (var (name, field) in definition.Fields ?? [])
        {
            if (field is not null && !string.IsNullOrWhiteSpace(name) && !CaseReader.IsStandardSignal(name))
            {
                yield return (name, field.Type);
            }
        }
    }

    private static string Name(FieldType type) => type switch
    {
        FieldType.Number => "number",
        FieldType.Flag => "flag",
        _ => "text",
    };
}
