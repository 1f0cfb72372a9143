using System.Globalization;
using Hitl.Policy.Review;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>What every inbox request needs: the gate, the audited kill switch, the settings, the clock, and the proof that a case was shown.</summary>
internal sealed class InboxServices(IServiceProvider services, IOptions<HitlInboxOptions> options, IDataProtectionProvider protection, TimeProvider time)
{
    private readonly IDataProtector _shown = protection.CreateProtector("Hitl.Policy.AspNetCore.ShownCase.v1");

    public HitlInboxOptions Options { get; } = options.Value;

    public TimeProvider Time { get; } = time;

    /// <summary>The gate of the configured policy; a missing registration is a clear error naming the call that adds it.</summary>
    public IReviewGate Gate => Find<IReviewGate>() ?? throw new InvalidOperationException(
        Options.PolicyName is null
            ? "The reviewer inbox found no review gate for the default Hitl policy; call services.AddHitlPolicy(...).AddReviewGate()."
            : $"The reviewer inbox found no review gate for the Hitl policy '{Options.PolicyName}' (HitlInboxOptions.PolicyName); call services.AddHitlPolicy(\"{Options.PolicyName}\", ...).AddReviewGate().");

    /// <summary>The audited kill switch of the configured policy, when registered (<c>AddReviewGate()</c> registers it).</summary>
    public AuditedKillSwitch? KillSwitch => Find<AuditedKillSwitch>();

    /// <summary>
    /// A token, for a form on a case page, that says this case was shown to this reviewer at this time: protected by the
    /// host's data protection keys, so that it cannot be made up or moved to another reviewer or case.
    /// </summary>
    public string ShownToken(string reviewerId, string caseId, DateTimeOffset at) =>
        _shown.Protect(string.Join('\n', reviewerId, caseId, at.UtcTicks.ToString(CultureInfo.InvariantCulture)));

    /// <summary>When the case was shown to the reviewer, from a token <see cref="ShownToken"/> made; <see langword="null"/> when the token is absent, forged, or for someone or something else.</summary>
    public DateTimeOffset? ReadShown(string? token, string reviewerId, string caseId)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096)
        {
            return null;
        }

        string text;
        try
        {
            text = _shown.Unprotect(token);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }

        var parts = text.Split('\n');
        return parts.Length == 3
            && string.Equals(parts[0], reviewerId, StringComparison.Ordinal)
            && string.Equals(parts[1], caseId, StringComparison.Ordinal)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks is >= 0 and <= 3155378975999999999
                ? new DateTimeOffset(ticks, TimeSpan.Zero)
                : null;
    }

    private T? Find<T>()
        where T : class =>
        Options.PolicyName is { } name ? services.GetKeyedService<T>(name) : services.GetService<T>();
}
