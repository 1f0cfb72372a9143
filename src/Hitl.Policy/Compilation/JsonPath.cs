using System.Globalization;

namespace Hitl.Policy;

/// <summary>Builds the JSON paths that errors carry, in one format for the validator and the JSON position index.</summary>
internal static class JsonPath
{
    public const string Root = "$";

    public static string Property(string parent, string name)
    {
        var plain = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or '$') &&
                    name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');
        return plain ? parent + "." + name : parent + "['" + name.Replace("'", "\\'", StringComparison.Ordinal) + "']";
    }

    public static string Index(string parent, int index) => parent + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
}
