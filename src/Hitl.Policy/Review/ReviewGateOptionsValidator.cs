using System.Globalization;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.Review;

/// <summary>
/// Checks <see cref="ReviewGateOptions"/> when a gate is built, and at start in dependency injection
/// (<c>ValidateOnStart</c>): every problem names its key (the configuration path when the options were bound from
/// configuration) and the value found.
/// </summary>
internal sealed class ReviewGateOptionsValidator(string optionsName) : IValidateOptions<ReviewGateOptions>
{
    public ValidateOptionsResult Validate(string? name, ReviewGateOptions options)
    {
        if (!string.Equals(name ?? Options.DefaultName, optionsName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var problems = Problems(options, "ReviewGateOptions");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    internal static List<string> Problems(ReviewGateOptions options, string codePrefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>(options.BindingProblems);
        string Key(string property) => options.ConfigurationPath is { } path ? path + ":" + property : codePrefix + "." + property;

        if (string.IsNullOrWhiteSpace(options.ReviewerRole))
        {
            problems.Add($"{Key(nameof(options.ReviewerRole))}: a role name is required, found '{options.ReviewerRole}'.");
        }

        if (string.IsNullOrWhiteSpace(options.OperatorRole))
        {
            problems.Add($"{Key(nameof(options.OperatorRole))}: a role name is required, found '{options.OperatorRole}'.");
        }

        if (string.IsNullOrWhiteSpace(options.ContestIntakeRole))
        {
            problems.Add($"{Key(nameof(options.ContestIntakeRole))}: a role name is required, found '{options.ContestIntakeRole}'.");
        }

        if (PayloadDigest.Problem(options.PayloadDigestKey) is { } keyProblem)
        {
            problems.Add($"{Key(nameof(options.PayloadDigestKey))}: {keyProblem}");
        }

        if (options.OverrideTier is { } tier && string.IsNullOrWhiteSpace(tier))
        {
            problems.Add($"{Key(nameof(options.OverrideTier))}: a tier name or nothing, found '{tier}'.");
        }

        if (options.ContestReviewDeadline <= TimeSpan.Zero)
        {
            problems.Add($"{Key(nameof(options.ContestReviewDeadline))}: must be longer than zero, found {Text(options.ContestReviewDeadline)}.");
        }

        if (options.SweepInterval is { } interval && interval <= TimeSpan.Zero)
        {
            problems.Add($"{Key(nameof(options.SweepInterval))}: must be longer than zero (or left out, when the host calls SweepAsync), found {Text(interval)}.");
        }

        if (options.ClosedCaseRetention < TimeSpan.Zero)
        {
            problems.Add($"{Key(nameof(options.ClosedCaseRetention))}: must not be negative, found {Text(options.ClosedCaseRetention)}.");
        }

        foreach (var (retentionClass, period) in options.RetentionClasses)
        {
            if (string.IsNullOrWhiteSpace(retentionClass))
            {
                problems.Add($"{Key(nameof(options.RetentionClasses))}: a class name is required as the key, found '{retentionClass}'.");
            }

            if (period < TimeSpan.Zero)
            {
                problems.Add($"{Key(nameof(options.RetentionClasses))}:{retentionClass}: must not be negative, found {Text(period)}.");
            }
        }

        if (options.MaxPayloadLength < 1)
        {
            problems.Add($"{Key(nameof(options.MaxPayloadLength))}: must be at least 1, found {options.MaxPayloadLength}.");
        }

        if (options.StorePollInterval <= TimeSpan.Zero)
        {
            problems.Add($"{Key(nameof(options.StorePollInterval))}: must be longer than zero, found {Text(options.StorePollInterval)}.");
        }

        if (options.ReviewClaimLease <= TimeSpan.Zero || options.ReviewClaimLease > CaseClaim.MaxLease)
        {
            problems.Add($"{Key(nameof(options.ReviewClaimLease))}: must be longer than zero and at most a day, found {Text(options.ReviewClaimLease)}.");
        }

        if (string.IsNullOrWhiteSpace(options.RecordsRole))
        {
            problems.Add($"{Key(nameof(options.RecordsRole))}: a role name is required, found '{options.RecordsRole}'.");
        }

        foreach (var (actionType, settings) in options.Actions)
        {
            if (string.IsNullOrWhiteSpace(actionType))
            {
                problems.Add($"{Key(nameof(options.Actions))}: an action type is required as the key, found '{actionType}'.");
            }

            if (settings is null)
            {
                problems.Add($"{Key(nameof(options.Actions))}:{actionType}: settings are required, found none.");
            }
        }

        if (options.Defaults is null)
        {
            problems.Add($"{Key(nameof(options.Defaults))}: settings are required, found none.");
        }

        return problems;
    }

    private static string Text(TimeSpan value) =>
        System.Xml.XmlConvert.ToString(value) + " (" + value.ToString("c", CultureInfo.InvariantCulture) + ")";
}
