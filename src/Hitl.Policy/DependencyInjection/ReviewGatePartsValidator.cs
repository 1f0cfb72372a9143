using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// At start (<c>ValidateOnStart</c>), lists every part the review gate needs that is not registered, without resolving
/// (so nothing is opened): an audit store, a review sink and a reviewer directory, registered for this policy's name or
/// shared by every policy.
/// </summary>
internal sealed class ReviewGatePartsValidator(string optionsName, string? policyName, IServiceProviderIsService services)
    : IValidateOptions<ReviewGateOptions>
{
    public ValidateOptionsResult Validate(string? name, ReviewGateOptions options)
    {
        if (!string.Equals(name ?? Options.DefaultName, optionsName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var who = policyName is null ? "the review gate" : $"the review gate of policy '{policyName}'";
        var missing = new List<string>();
        if (!Has(typeof(IAuditStore)))
        {
            missing.Add($"Hitl: {who} has no audit store (IAuditStore); call AddAuditStore(...) or AddJsonLinesAuditStore(...) on the builder that AddHitlPolicy returns.");
        }

        if (!Has(typeof(IReviewSink)))
        {
            missing.Add($"Hitl: {who} has no review sink (IReviewSink); call AddReviewSink(...) on the builder that AddHitlPolicy returns.");
        }

        if (!Has(typeof(IReviewerDirectory)))
        {
            missing.Add($"Hitl: {who} has no reviewer directory (IReviewerDirectory); call AddReviewerDirectory(...) on the builder that AddHitlPolicy returns.");
        }

        return missing.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(missing);
    }

    private bool Has(Type service) =>
        services.IsService(service) ||
        (policyName is not null && services is IServiceProviderIsKeyedService keyed && keyed.IsKeyedService(service, policyName));
}
