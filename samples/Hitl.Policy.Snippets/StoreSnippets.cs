using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hitl.Policy.Snippets;

/// <summary>The README's sections on stores: SQLite, PostgreSQL and the JSON Lines audit trail.</summary>
public static class StoreSnippets
{
    /// <summary>Cases and their trail in one SQLite file.</summary>
    public static void Sqlite(WebApplicationBuilder builder)
    {
        #region sqlite
        builder.Services.AddHitlPolicy(builder.Configuration.GetSection("Hitl"))
            .AddReviewGate()
            .UseSqlite("Data Source=hitl-data/hitl.db");   // Hitl.Policy.Sqlite: the cases and the audit trail in one file
        #endregion
    }

    /// <summary>One queue and one trail for several instances.</summary>
    public static void PostgreSql(WebApplicationBuilder builder)
    {
        #region postgresql
        builder.Services.AddHitlPolicy(builder.Configuration.GetSection("Hitl"))
            .AddReviewGate()
            .UsePostgreSql(builder.Configuration.GetSection("Hitl:PostgreSql"));   // beside .UseSqlite(...): the same gate, shared
        #endregion
    }

    /// <summary>A trail in a file of its own.</summary>
    public static async Task<(AuditVerification Check, AuditVerification Offline)> JsonLinesAsync()
    {
        #region audit-jsonl
        await using var audit = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions
        {
            Path = "audit.jsonl",
            GroupCommit = true,   // appends that arrive together share one flush (default: false)
        });
        AuditVerification check = await audit.VerifyAsync();
        AuditVerification offline = JsonLinesAuditStore.VerifyFile("audit.jsonl");
        #endregion
        return (check, offline);
    }
}
