using System.Globalization;
using Hitl.Policy.PostgreSql;
using Microsoft.Extensions.Configuration;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Binds <see cref="PostgreSqlCaseStoreOptions"/> from configuration by hand (reflection-free): a key that is not a
/// setting and a value that cannot be read are kept as problems naming the key and the value, reported at start.
/// </summary>
internal static class PostgreSqlConfiguration
{
    private static readonly string[] Known =
    [
        nameof(PostgreSqlCaseStoreOptions.ConnectionString),
        nameof(PostgreSqlCaseStoreOptions.GroupCommit),
        nameof(PostgreSqlCaseStoreOptions.ListenForChanges),
        nameof(PostgreSqlCaseStoreOptions.MaxGroupSize),
        nameof(PostgreSqlCaseStoreOptions.Schema),
    ];

    public static void Bind(IConfiguration section, PostgreSqlCaseStoreOptions options)
    {
        var problems = options.BindingProblems;
        foreach (var child in section.GetChildren())
        {
            if (!Known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{child.Path}: is not a setting of the PostgreSQL case store (known: {string.Join(", ", Known)}).");
            }
        }

        options.ConnectionString = Text(section, nameof(PostgreSqlCaseStoreOptions.ConnectionString)) ?? options.ConnectionString;
        options.Schema = Text(section, nameof(PostgreSqlCaseStoreOptions.Schema)) ?? options.Schema;
        options.GroupCommit = Flag(section, nameof(PostgreSqlCaseStoreOptions.GroupCommit), problems) ?? options.GroupCommit;
        options.ListenForChanges = Flag(section, nameof(PostgreSqlCaseStoreOptions.ListenForChanges), problems) ?? options.ListenForChanges;
        if (Text(section, nameof(PostgreSqlCaseStoreOptions.MaxGroupSize)) is { } size)
        {
            if (int.TryParse(size.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                options.MaxGroupSize = value;
            }
            else
            {
                problems.Add($"{KeyOf(section, nameof(PostgreSqlCaseStoreOptions.MaxGroupSize))}: '{PostgreSqlCaseStoreOptions.Shown(size)}' is not a whole number.");
            }
        }
    }

    private static bool? Flag(IConfiguration section, string key, List<string> problems)
    {
        if (Text(section, key) is not { } text)
        {
            return null;
        }

        if (bool.TryParse(text.Trim(), out var value))
        {
            return value;
        }

        problems.Add($"{KeyOf(section, key)}: '{PostgreSqlCaseStoreOptions.Shown(text)}' is not true or false.");
        return null;
    }

    /// <summary>A value, or <see langword="null"/> when it is absent or empty.</summary>
    private static string? Text(IConfiguration section, string key) => section[key] is { Length: > 0 } text ? text : null;

    private static string KeyOf(IConfiguration section, string key) =>
        section is IConfigurationSection { Path: { Length: > 0 } path } ? path + ":" + key : key;
}
