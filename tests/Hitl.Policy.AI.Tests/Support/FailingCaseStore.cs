using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.AI.Tests.Support;

/// <summary>A case store whose disk is gone: reads find nothing, every commit fails.</summary>
internal sealed class FailingCaseStore : ICaseStore
{
    public IAuditStore Audit { get; } = new InMemoryAuditStore();

    public ValueTask<CaseRecord?> GetAsync(string caseId, CancellationToken cancellationToken = default) => ValueTask.FromResult<CaseRecord?>(null);

    public ValueTask<CaseCommitResult> CommitAsync(CaseCommit commit, CancellationToken cancellationToken = default) =>
        throw new IOException("disk /dev/sdb1 is gone");

    public ValueTask<CasePage> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default) => ValueTask.FromResult(new CasePage([], null));
}
