using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hitl.Policy.AspNetCore.Health;

/// <summary>
/// Healthy when every policy added with <c>AddHitlPolicy</c> is active and its last reload (if any) succeeded;
/// degraded when a reload was rejected (the policy before it still decides, but the one on disk or in configuration is
/// not the one in force); unhealthy when no policy is registered. The data names each policy's id, version and hash.
/// </summary>
public sealed class HitlPolicyHealthCheck(IEnumerable<HitlPolicyStatus> policies) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var all = policies.ToList();
        if (all.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("No Hitl policy is registered (AddHitlPolicy)."));
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var rejected = new List<string>();
        foreach (var status in all)
        {
            try
            {
                var key = status.ToString();
                data[key] = $"{status.PolicyId} {status.PolicyVersion} (hash {status.PolicyHash})";
                if (status.LastReload is { Succeeded: false } reload)
                {
                    rejected.Add($"{key}: the reload at {reload.At:O} was rejected ({reload.Errors.Count} error(s), first: {(reload.Errors.Count > 0 ? reload.Errors[0].Message : "none given")}); {status.PolicyId} {status.PolicyVersion} stays active");
                }
            }
            catch (PolicyValidationException ex)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"{status}: the policy did not compile at start ({ex.Errors.Count} error(s)).", ex, data));
            }
        }

        return Task.FromResult(rejected.Count == 0
            ? HealthCheckResult.Healthy($"{all.Count} polic{(all.Count == 1 ? "y" : "ies")} active.", data)
            : HealthCheckResult.Degraded(string.Join("; ", rejected), data: data));
    }
}

/// <summary>
/// Healthy when the case store of every review gate answers a query (one pending case at most is read); unhealthy
/// when one cannot be reached. The description names the failing store's policy and the error's type, never its
/// message (which may carry a connection string); the exception is on the result for the host's own logging.
/// </summary>
public sealed class HitlCaseStoreHealthCheck(IEnumerable<HitlPolicyStatus> policies) : IHealthCheck
{
    private static readonly CaseQuery Probe = new() { States = [CaseState.Pending], Limit = 1 };

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stores = HitlHealth.Stores(policies);
        if (stores.Count == 0)
        {
            return HealthCheckResult.Healthy("No review gate is registered, so there is no case store to reach.");
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (owner, store) in stores)
        {
            try
            {
                var page = await store.QueryAsync(Probe, cancellationToken).ConfigureAwait(false);
                data[owner] = page.Cases.Count == 0 ? "reachable, no pending case" : "reachable, cases pending";
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"The case store of {owner} ({store.GetType().Name}) cannot be reached: {ex.GetType().Name}.", ex, data);
            }
        }

        return HealthCheckResult.Healthy($"{stores.Count} case store(s) reachable.", data);
    }
}

/// <summary>
/// Healthy when the audit trail of every review gate verifies (hash chain intact, no torn tail); unhealthy otherwise,
/// naming the first broken sequence. Verifying reads the whole trail, so a result is reused for
/// <see cref="HitlHealthCheckOptions.AuditVerifyInterval"/>. The data gives the chain head (the number of records).
/// </summary>
public sealed class HitlAuditChainHealthCheck(IEnumerable<HitlPolicyStatus> policies, HitlHealthCheckOptions options, TimeProvider time) : IHealthCheck
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IAuditStore, (DateTimeOffset At, AuditVerification Result)> _verified = new(ReferenceEqualityComparer.Instance);

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stores = HitlHealth.Stores(policies);
        if (stores.Count == 0)
        {
            return HealthCheckResult.Healthy("No review gate is registered, so there is no audit trail to verify.");
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (owner, store) in stores)
        {
            AuditVerification result;
            try
            {
                result = await VerifyAsync(store.Audit, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"The audit trail of {owner} cannot be read: {ex.GetType().Name}.", ex, data);
            }

            data[owner] = result.RecordCount;
            if (!result.IsIntact || result.TornTail)
            {
                var where = result.TornTail
                    ? "its last line is torn (appends are refused until a person repairs it: hitl audit repair)"
                    : $"the chain breaks at record {result.FirstBrokenSequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}";
                return HealthCheckResult.Unhealthy($"The audit trail of {owner} does not verify: {where}.", data: data);
            }
        }

        return HealthCheckResult.Healthy($"{stores.Count} audit trail(s) verify.", data);
    }

    private async Task<AuditVerification> VerifyAsync(IAuditStore audit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_verified.TryGetValue(audit, out var last) && now - last.At < options.AuditVerifyInterval && last.Result is { IsIntact: true, TornTail: false })
            {
                return last.Result;
            }
        }

        var result = await audit.VerifyAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _verified[audit] = (now, result);
        }

        return result;
    }
}

/// <summary>Options of the Hitl health checks.</summary>
public sealed class HitlHealthCheckOptions
{
    /// <summary>
    /// How long a verification of an intact audit trail is reused before the trail is read again. A broken trail is
    /// verified again at every check, so that a repair shows at once.
    /// </summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan AuditVerifyInterval { get; set; } = TimeSpan.FromMinutes(1);
}

internal static class HitlHealth
{
    /// <summary>Each distinct case store of the registered gates, with the policy it belongs to (the first that uses it).</summary>
    public static List<(string Owner, ICaseStore Store)> Stores(IEnumerable<HitlPolicyStatus> policies)
    {
        var seen = new HashSet<ICaseStore>(ReferenceEqualityComparer.Instance);
        var stores = new List<(string, ICaseStore)>();
        foreach (var status in policies)
        {
            if (status.CaseStore is { } store && seen.Add(store))
            {
                stores.Add((status.ToString(), store));
            }
        }

        return stores;
    }
}
