using Hitl.Policy.Audit;
using Hitl.Policy.CaseStoreContract;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite.Tests.Support;

namespace Hitl.Policy.Sqlite.Tests;

public sealed class InMemoryCaseStoreContractTests : CaseClaimsContractTests
{
    protected override ICaseStore CreateStore(AuditKeyRing? keys) =>
        new InMemoryCaseStore(keys is null ? new InMemoryAuditStore() : new InMemoryAuditStore(keys));
}

/// <summary>The contract, against the SQLite store (group commit on, the default).</summary>
public sealed class SqliteCaseStoreContractTests : CaseStoreContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override ICaseStore CreateStore(AuditKeyRing? keys) =>
        SqliteCaseStore.Open("Data Source=" + _directory.File(Guid.NewGuid().ToString("N") + ".db"), new SqliteCaseStoreOptions { Keys = keys });

    public void Dispose() => _directory.Dispose();
}

/// <summary>The contract, against the SQLite store with one transaction per commit.</summary>
public sealed class SqliteCaseStoreWithoutGroupCommitContractTests : CaseStoreContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override ICaseStore CreateStore(AuditKeyRing? keys) =>
        SqliteCaseStore.Open("Data Source=" + _directory.File("store.db"), new SqliteCaseStoreOptions { Keys = keys, GroupCommit = false, Synchronous = SqliteSynchronous.Normal });

    public void Dispose() => _directory.Dispose();
}
