using System.Globalization;
using System.Text;
using Hitl.Policy.Json;
using Microsoft.Extensions.Configuration;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Binds <see cref="ShadowPolicyOptions"/> from configuration by hand, as <see cref="HitlConfiguration"/> binds the policy's:
/// a value that cannot be read, or a key that is not a setting, is kept as a problem naming its key and value (reported
/// at start), never thrown from inside binding. Reflection-free.
/// </summary>
internal static class ShadowConfiguration
{
    private static readonly string[] Keys =
    [
        nameof(ShadowPolicyOptions.Capacity), nameof(ShadowPolicyOptions.FlushInterval), nameof(ShadowPolicyOptions.PolicyJson),
        nameof(ShadowPolicyOptions.PolicyPath), nameof(ShadowPolicyOptions.RecordPath), nameof(ShadowPolicyOptions.SampleRate),
    ];

    public static void Bind(IConfiguration section, ShadowPolicyOptions options)
    {
        var problems = options.BindingProblems;
        foreach (var child in section.GetChildren())
        {
            if (!Keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{KeyOf(section, child.Key)}: is not a setting of the shadow policy (known: {string.Join(", ", Keys)}).");
            }
        }

        options.PolicyPath = Text(section, nameof(ShadowPolicyOptions.PolicyPath)) ?? options.PolicyPath;
        options.PolicyJson = Text(section, nameof(ShadowPolicyOptions.PolicyJson)) ?? options.PolicyJson;
        options.RecordPath = Text(section, nameof(ShadowPolicyOptions.RecordPath)) ?? options.RecordPath;
        if (Text(section, nameof(ShadowPolicyOptions.SampleRate)) is { } rate)
        {
            if (double.TryParse(rate.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                options.SampleRate = value;
            }
            else
            {
                problems.Add($"{KeyOf(section, nameof(ShadowPolicyOptions.SampleRate))}: '{Shown(rate)}' is not a number (write a share from 0 to 1, such as 0.25).");
            }
        }

        if (Text(section, nameof(ShadowPolicyOptions.Capacity)) is { } capacity)
        {
            if (int.TryParse(capacity.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                options.Capacity = value;
            }
            else
            {
                problems.Add($"{KeyOf(section, nameof(ShadowPolicyOptions.Capacity))}: '{Shown(capacity)}' is not a whole number.");
            }
        }

        if (Text(section, nameof(ShadowPolicyOptions.FlushInterval)) is { } interval)
        {
            if (Durations.TryParse(interval, out var value))
            {
                options.FlushInterval = value;
            }
            else
            {
                problems.Add($"{KeyOf(section, nameof(ShadowPolicyOptions.FlushInterval))}: '{Shown(interval)}' is not a duration; write {Durations.Forms}.");
            }
        }
    }

    /// <summary>A value, or <see langword="null"/> when it is absent or empty.</summary>
    private static string? Text(IConfiguration section, string key) => section[key] is { Length: > 0 } text ? text : null;

    private static string KeyOf(IConfiguration section, string key) =>
        section is IConfigurationSection { Path: { Length: > 0 } path } ? path + ":" + key : key;

    /// <summary>A configuration value as it may appear in an error: bounded, and with control characters escaped.</summary>
    private static string Shown(string text)
    {
        const int Limit = 80;
        var shown = new StringBuilder();
        foreach (var c in text.Length > Limit ? text.AsSpan(0, Limit) : text.AsSpan())
        {
            if (char.IsControl(c))
            {
                shown.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                shown.Append(c);
            }
        }

        return text.Length > Limit ? shown.Append("...").ToString() : shown.ToString();
    }
}
