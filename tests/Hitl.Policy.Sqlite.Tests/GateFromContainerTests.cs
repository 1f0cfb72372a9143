using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Hitl.Policy.Sqlite.Tests;

/// <summary>The one-line set-up: a gate from dependency injection on SQLite keeps its cases when the container (the host) restarts.</summary>
public sealed class GateFromContainerTests : IDisposable
{
    private const string Policy = """
        {
          "id": "di", "version": "1", "tiers": ["agent"],
          "defaults": { "route": "review", "review": { "tier": "agent", "approvals": 1, "deadline": "P1D", "onTimeout": "block" } },
          "actions": { "refund.issue": {} }
        }
        """;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_case_opened_through_one_container_is_approved_through_the_next_on_the_same_file()
    {
        var db = _directory.File(Path.Combine("hitl-data", "hitl.db"));
        string id;
        await using (var first = Host(db))
        {
            var gate = first.GetRequiredService<ReviewGate<Signals>>();
            var result = await gate.SubmitAsync(new GateRequest<Signals> { Context = new Signals { ActionType = "refund.issue" }, Payload = "refund 10", Subject = "carl" });
            Assert.Equal(GateDisposition.Pending, result.Disposition);
            id = result.CaseId;
        }

        await using var second = Host(db);
        var restarted = second.GetRequiredService<ReviewGate<Signals>>();
        await restarted.Recovery;
        var view = await restarted.ApproveAsync(new HumanAct(id, "ann", "ok"));
        var outcome = await restarted.WaitForOutcomeAsync(id);

        Assert.Equal(CaseState.Approved, view.State);
        Assert.Equal("refund 10", outcome.Payload);
        var trail = second.GetRequiredService<IAuditStore>();
        Assert.Same(second.GetRequiredService<ICaseStore>().Audit, trail);
        // Each start of the host records the policy it activated, in the same trail as the cases.
        Assert.Equal([ActKind.PolicyActivated, ActKind.Decided, ActKind.PolicyActivated, ActKind.Approved], await trail.ReadAsync().Select(r => r.Entry.Act).ToListAsync());
        Assert.True((await trail.VerifyAsync()).IsIntact);
    }

    private static ServiceProvider Host(string db)
    {
        var services = new ServiceCollection();
        services.AddHitlPolicy(o => o.PolicyJson = Policy)
            .AddReviewGate()
            .UseSqlite("Data Source=" + db)
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(new InMemoryReviewerDirectory(Reviewer.Create("ann", "agent", "reviewer")));
        return services.BuildServiceProvider();
    }
}
