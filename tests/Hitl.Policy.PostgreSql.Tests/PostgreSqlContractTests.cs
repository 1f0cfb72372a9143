using Hitl.Policy.Audit;
using Hitl.Policy.CaseStoreContract;
using Hitl.Policy.PostgreSql.Tests.Support;
using Hitl.Policy.Review;

namespace Hitl.Policy.PostgreSql.Tests;

/// <summary>The case store contract, and the claims contract, against the PostgreSQL store (group commit on, the default).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlCaseStoreContractTests(PostgresFixture db) : CaseClaimsContractTests
{
    protected override ICaseStore CreateStore(AuditKeyRing? keys) =>
        PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = PostgresFixture.NewSchema(), Keys = keys });
}

/// <summary>The contracts, against the PostgreSQL store committing one commit per transaction.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlCaseStoreWithoutGroupCommitContractTests(PostgresFixture db) : CaseClaimsContractTests
{
    protected override ICaseStore CreateStore(AuditKeyRing? keys) =>
        PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = PostgresFixture.NewSchema(), Keys = keys, GroupCommit = false, ListenForChanges = false });
}
