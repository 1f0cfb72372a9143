using Microsoft.Extensions.Options;

namespace Hitl.Policy.AspNetCore;

/// <summary>Checks the inbox's settings at start; every problem names the setting and the value.</summary>
internal sealed class HitlInboxOptionsValidator : IValidateOptions<HitlInboxOptions>
{
    public ValidateOptionsResult Validate(string? name, HitlInboxOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ReviewerClaimType))
        {
            problems.Add($"HitlInboxOptions.ReviewerClaimType: must name a claim type, found '{options.ReviewerClaimType}'.");
        }

        if (string.IsNullOrWhiteSpace(options.SubjectClaimType))
        {
            problems.Add($"HitlInboxOptions.SubjectClaimType: must name a claim type, found '{options.SubjectClaimType}'.");
        }

        if (options.PageSize is < 1 or > HitlInboxOptions.MaxPageSize)
        {
            problems.Add($"HitlInboxOptions.PageSize: must be from 1 to {HitlInboxOptions.MaxPageSize}, found {options.PageSize}.");
        }

        if (options.MaxReasonLength < 1)
        {
            problems.Add($"HitlInboxOptions.MaxReasonLength: must be at least 1, found {options.MaxReasonLength}.");
        }

        Codes(problems, nameof(options.RejectReasonCodes), options.RejectReasonCodes);
        Codes(problems, nameof(options.EscalateReasonCodes), options.EscalateReasonCodes);
        Codes(problems, nameof(options.ApproveReasonCode), [options.ApproveReasonCode]);
        Codes(problems, nameof(options.EditReasonCode), [options.EditReasonCode]);
        Codes(problems, nameof(options.ContestReasonCode), [options.ContestReasonCode]);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Codes(List<string> problems, string setting, IList<string> codes)
    {
        if (codes.Count == 0)
        {
            problems.Add($"HitlInboxOptions.{setting}: needs at least one reason code, found none.");
        }

        foreach (var code in codes)
        {
            if (string.IsNullOrWhiteSpace(code) || code.Length > 64)
            {
                problems.Add($"HitlInboxOptions.{setting}: a reason code must be 1 to 64 characters and not blank, found '{code}'.");
            }
        }
    }
}
