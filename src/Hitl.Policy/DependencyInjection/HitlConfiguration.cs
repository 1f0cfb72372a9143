using System.Globalization;
using Hitl.Policy.Json;
using Hitl.Policy.Review;
using Microsoft.Extensions.Configuration;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Binds <see cref="HitlPolicyOptions"/> and <see cref="ReviewGateOptions"/> from configuration by hand: durations read
/// as ISO 8601 or <see cref="TimeSpan"/> text, and a value that cannot be read is kept as a problem that names its key and
/// value (reported by options validation at start), never thrown from deep inside binding. Reflection-free, so trimming
/// and Native AOT keep working.
/// </summary>
internal static class HitlConfiguration
{
    private static readonly HashSet<string> GateKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(ReviewGateOptions.ReviewerRole), nameof(ReviewGateOptions.OperatorRole), nameof(ReviewGateOptions.ContestIntakeRole),
        nameof(ReviewGateOptions.OverrideTier), nameof(ReviewGateOptions.PayloadDigestKey),
        nameof(ReviewGateOptions.ContestReviewDeadline), nameof(ReviewGateOptions.SweepInterval),
        nameof(ReviewGateOptions.ClosedCaseRetention), nameof(ReviewGateOptions.Actions),
        nameof(ReviewGateOptions.RetentionClasses), nameof(ReviewGateOptions.RecordsRole), nameof(ReviewGateOptions.StorePollInterval), nameof(ReviewGateOptions.ReviewClaimLease),
        nameof(ReviewGateOptions.MaxPayloadLength),
    };

    private static readonly HashSet<string> ActionKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(ActionReviewOptions.Weaknesses), nameof(ActionReviewOptions.WithholdSuggestion),
    };

    public static void BindPolicy(IConfiguration configuration, HitlPolicyOptions options)
    {
        options.PolicyPath = Text(configuration, nameof(HitlPolicyOptions.PolicyPath)) ?? options.PolicyPath;
        options.PolicyJson = Text(configuration, nameof(HitlPolicyOptions.PolicyJson)) ?? options.PolicyJson;
        options.WatchPolicyFile = Flag(configuration, nameof(HitlPolicyOptions.WatchPolicyFile), options.BindingProblems) ?? options.WatchPolicyFile;
        if (Text(configuration, nameof(HitlPolicyOptions.SamplingKey)) is { } key)
        {
            try
            {
                options.SamplingKey = SamplingKey.FromBase64(key);
            }
            catch (ArgumentException ex)
            {
                // The value is a secret: name the key and the problem, never the value.
                options.BindingProblems.Add($"{KeyOf(configuration, nameof(HitlPolicyOptions.SamplingKey))}: {ex.Message.Split(" (Parameter", StringSplitOptions.None)[0]}");
            }
        }
    }

    public static void BindGate(IConfiguration gate, ReviewGateOptions options)
    {
        var problems = options.BindingProblems;
        options.ConfigurationPath = PathOf(gate);
        foreach (var child in gate.GetChildren())
        {
            if (!GateKeys.Contains(child.Key))
            {
                problems.Add($"{child.Path}: is not a setting of the review gate (known: {string.Join(", ", GateKeys.Order(StringComparer.Ordinal))}).");
            }
        }

        options.ReviewerRole = gate[nameof(ReviewGateOptions.ReviewerRole)] ?? options.ReviewerRole;
        options.OperatorRole = gate[nameof(ReviewGateOptions.OperatorRole)] ?? options.OperatorRole;
        options.ContestIntakeRole = gate[nameof(ReviewGateOptions.ContestIntakeRole)] ?? options.ContestIntakeRole;
        options.OverrideTier = Text(gate, nameof(ReviewGateOptions.OverrideTier)) ?? options.OverrideTier;
        options.PayloadDigestKey = Text(gate, nameof(ReviewGateOptions.PayloadDigestKey)) ?? options.PayloadDigestKey;
        options.ContestReviewDeadline = Duration(gate, nameof(ReviewGateOptions.ContestReviewDeadline), problems) ?? options.ContestReviewDeadline;
        options.SweepInterval = Duration(gate, nameof(ReviewGateOptions.SweepInterval), problems) ?? options.SweepInterval;
        options.ClosedCaseRetention = Duration(gate, nameof(ReviewGateOptions.ClosedCaseRetention), problems) ?? options.ClosedCaseRetention;
        options.RecordsRole = gate[nameof(ReviewGateOptions.RecordsRole)] ?? options.RecordsRole;
        options.MaxPayloadLength = WholeNumber(gate, nameof(ReviewGateOptions.MaxPayloadLength), problems) ?? options.MaxPayloadLength;
        options.StorePollInterval = Duration(gate, nameof(ReviewGateOptions.StorePollInterval), problems) ?? options.StorePollInterval;
        options.ReviewClaimLease = Duration(gate, nameof(ReviewGateOptions.ReviewClaimLease), problems) ?? options.ReviewClaimLease;
        foreach (var retention in gate.GetSection(nameof(ReviewGateOptions.RetentionClasses)).GetChildren())
        {
            if (Duration(gate.GetSection(nameof(ReviewGateOptions.RetentionClasses)), retention.Key, problems) is { } period)
            {
                options.RetentionClasses[retention.Key] = period;
            }
        }

        foreach (var action in gate.GetSection(nameof(ReviewGateOptions.Actions)).GetChildren())
        {
            foreach (var child in action.GetChildren())
            {
                if (!ActionKeys.Contains(child.Key))
                {
                    problems.Add($"{child.Path}: is not a ticket setting (known: {string.Join(", ", ActionKeys.Order(StringComparer.Ordinal))}).");
                }
            }

            var settings = new ActionReviewOptions
            {
                Weaknesses = Text(action, nameof(ActionReviewOptions.Weaknesses)),
                WithholdSuggestion = Flag(action, nameof(ActionReviewOptions.WithholdSuggestion), problems) ?? false,
            };
            if (string.Equals(action.Key, "*", StringComparison.Ordinal))
            {
                options.Defaults = settings;
            }
            else
            {
                options.Actions[action.Key] = settings;
            }
        }
    }

    /// <summary>A value, or <see langword="null"/> when it is absent or empty (JSON <c>null</c> binds as empty).</summary>
    private static string? Text(IConfiguration section, string key) => section[key] is { Length: > 0 } text ? text : null;

    private static TimeSpan? Duration(IConfiguration section, string key, List<string> problems)
    {
        var text = Text(section, key);
        if (text is null)
        {
            return null;
        }

        if (Durations.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add($"{KeyOf(section, key)}: '{Shown(text)}' is not a duration; write {Durations.Forms}.");
        return null;
    }

    private static int? WholeNumber(IConfiguration section, string key, List<string> problems)
    {
        var text = Text(section, key);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add($"{KeyOf(section, key)}: '{Shown(text)}' is not a whole number.");
        return null;
    }

    private static bool? Flag(IConfiguration section, string key, List<string> problems)
    {
        var text = Text(section, key);
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text.Trim(), out var value))
        {
            return value;
        }

        problems.Add($"{KeyOf(section, key)}: '{Shown(text)}' is not true or false.");
        return null;
    }

    private static string? PathOf(IConfiguration section) => (section as IConfigurationSection)?.Path;

    private static string KeyOf(IConfiguration section, string key) => PathOf(section) is { Length: > 0 } path ? path + ":" + key : key;

    /// <summary>A configuration value as it may appear in an error: bounded, and with control characters escaped.</summary>
    private static string Shown(string text)
    {
        const int Limit = 80;
        var shown = text.Length > Limit ? text[..Limit] + "..." : text;
        return string.Concat(shown.Select(c => char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString()));
    }
}
