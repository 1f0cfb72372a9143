using System.Globalization;
using System.Xml;
using Hitl.Policy.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Binds <see cref="SqliteCaseStoreOptions"/> from configuration by hand (reflection-free): a key that is not a setting
/// and a value that cannot be read are kept as problems naming the key and the value, reported when the options are
/// validated at start.
/// </summary>
internal static class SqliteConfiguration
{
    private static readonly string[] Known =
    [
        nameof(SqliteCaseStoreOptions.BusyTimeout),
        nameof(SqliteCaseStoreOptions.ConnectionString),
        nameof(SqliteCaseStoreOptions.GroupCommit),
        nameof(SqliteCaseStoreOptions.MaxGroupSize),
        nameof(SqliteCaseStoreOptions.Synchronous),
    ];

    public static void Bind(IConfiguration section, SqliteCaseStoreOptions options)
    {
        var problems = options.BindingProblems;
        foreach (var child in section.GetChildren())
        {
            if (!Known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{child.Path}: is not a setting of the SQLite case store (known: {string.Join(", ", Known)}).");
            }
        }

        if (Text(section, nameof(SqliteCaseStoreOptions.ConnectionString)) is { } connectionString)
        {
            options.ConnectionString = connectionString;
        }

        if (Text(section, nameof(SqliteCaseStoreOptions.Synchronous)) is { } synchronous)
        {
            if (!synchronous.Any(char.IsAsciiDigit) && Enum.TryParse<SqliteSynchronous>(synchronous.Trim(), ignoreCase: true, out var value) && Enum.IsDefined(value))
            {
                options.Synchronous = value;
            }
            else
            {
                problems.Add($"{KeyOf(section, nameof(SqliteCaseStoreOptions.Synchronous))}: '{SqliteCaseStoreOptions.Shown(synchronous)}' is not Full or Normal.");
            }
        }

        if (Text(section, nameof(SqliteCaseStoreOptions.BusyTimeout)) is { } busy)
        {
            if (TryDuration(busy.Trim(), out var value))
            {
                options.BusyTimeout = value;
            }
            else
            {
                problems.Add($"{KeyOf(section, nameof(SqliteCaseStoreOptions.BusyTimeout))}: '{SqliteCaseStoreOptions.Shown(busy)}' is not a duration; write hh:mm:ss (00:00:05) or ISO 8601 (PT5S).");
            }
        }

        if (Text(section, nameof(SqliteCaseStoreOptions.GroupCommit)) is { } group)
        {
            if (bool.TryParse(group.Trim(), out var value))
            {
                options.GroupCommit = value;
            }
            else
            {
                problems.Add($"{KeyOf(section, nameof(SqliteCaseStoreOptions.GroupCommit))}: '{SqliteCaseStoreOptions.Shown(group)}' is not true or false.");
            }
        }

        if (Text(section, nameof(SqliteCaseStoreOptions.MaxGroupSize)) is { } size)
        {
            if (int.TryParse(size.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                options.MaxGroupSize = value;
            }
            else
            {
                problems.Add($"{KeyOf(section, nameof(SqliteCaseStoreOptions.MaxGroupSize))}: '{SqliteCaseStoreOptions.Shown(size)}' is not a whole number.");
            }
        }
    }

    private static bool TryDuration(string text, out TimeSpan value)
    {
        if (text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal))
        {
            try
            {
                value = XmlConvert.ToTimeSpan(text);
                return true;
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                value = default;
                return false;
            }
        }

        return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A value, or <see langword="null"/> when it is absent or empty.</summary>
    private static string? Text(IConfiguration section, string key) => section[key] is { Length: > 0 } text ? text : null;

    private static string KeyOf(IConfiguration section, string key) =>
        section is IConfigurationSection { Path: { Length: > 0 } path } ? path + ":" + key : key;
}
