using Hitl.Policy.Audit;
using Hitl.Policy.Definition;
using Hitl.Policy.Review;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.Logging;

namespace Hitl.Policy.DependencyInjection;

/// <summary>Compiles the policy again when the options change; keeps the last good one when the new one fails.</summary>
internal sealed class PolicyReloader<TContext>(
    ReloadablePolicy<TContext> policy, Func<PolicyDefinition, SignalSchema<TContext>> schema, ILogger logger, IAuditStore? audit, TimeProvider time)
{
    private readonly Lock _gate = new();

    public void Reload(HitlPolicyOptions options) => Reload(() => options);

    /// <summary>Reloads from the options <paramref name="read"/> returns; reading them may fail too, and is then a rejected reload.</summary>
    public void Reload(Func<HitlPolicyOptions> read)
    {
        lock (_gate)
        {
            IReadOnlyList<PolicyError> errors;
            try
            {
                var definition = PolicySource.Load(read(), out errors);
                if (definition is not null && policy.TryReload(definition, schema(definition), out errors))
                {
                    policy.LastReload = new PolicyReload(time.GetUtcNow(), true, []);
                    Activated(policy.PolicyId, policy.PolicyVersion, policy.PolicyHash);
                    return;
                }
            }
#pragma warning disable CA1031 // Runs in a configuration or file-watcher callback: a throw there would end the watching silently.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                errors = [new PolicyError(PolicyErrorCode.InvalidValue, JsonPath.Root, $"the reload failed: {ex.GetType().Name}: {ex.Message}")];
            }

            policy.LastReload = new PolicyReload(time.GetUtcNow(), false, errors);
            HitlLog.PolicyReloadRejected(logger, policy.PolicyId, policy.PolicyVersion, errors.Count,
                string.Concat(errors.Select(e => Environment.NewLine + "  " + e)));
        }
    }

    /// <summary>Logs a failure around a reload (watching the file, an event of the watcher) as a rejected reload.</summary>
    public void Failed(string? path, Exception exception)
    {
        policy.LastReload = new PolicyReload(time.GetUtcNow(), false,
            [new PolicyError(PolicyErrorCode.InvalidValue, JsonPath.Root, $"watching policy file '{path}' failed: {exception.Message}")]);
        try
        {
            HitlLog.PolicyReloadRejected(logger, policy.PolicyId, policy.PolicyVersion, 1,
                $"{Environment.NewLine}  watching policy file '{path}' failed: {exception.GetType().Name}: {exception.Message}");
        }
#pragma warning disable CA1031 // A logger that throws must not end the watching either.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public void Activated(string policyId, string version, string hash)
    {
        HitlLog.PolicyActivated(logger, policyId, version, hash);
        if (audit is null)
        {
            return;
        }

        var entry = new AuditEntry
        {
            Act = ActKind.PolicyActivated,
            CaseId = "policy:" + policyId,
            At = time.GetUtcNow(),
            PolicyId = policyId,
            PolicyVersion = version,
            PolicyHash = hash,
            Actor = "system",
        };

        // Activation happens inside a configuration callback that cannot wait; the record follows, and a failure is logged.
        _ = RecordAsync(entry);
    }

    private async Task RecordAsync(AuditEntry entry)
    {
        try
        {
            await audit!.AppendAsync(entry).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Logged: the policy is active either way, and the next activation is recorded again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HitlLog.AuditAppendFailed(logger, ex, nameof(ActKind.PolicyActivated), entry.CaseId);
        }
    }
}
