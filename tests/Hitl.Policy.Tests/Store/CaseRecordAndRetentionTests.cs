using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Tests.Review;

namespace Hitl.Policy.Tests.Store;

/// <summary>The record is complete (model, people, policy content, the four times) and closed cases stay as long as retention says.</summary>
public class CaseRecordAndRetentionTests
{
    [Fact]
    public async Task The_decision_record_names_the_model_the_people_the_policy_content_and_when_it_was_received()
    {
        using var f = new GateFixture();
        var received = f.Time.GetUtcNow() - TimeSpan.FromSeconds(3);
        var result = await f.Gate.SubmitAsync(GateOnCaseStoreTests.Request(2000, "refund 2000") with
        {
            ModelId = "refund-assistant",
            ModelVersion = "2026-11-30",
            ReceivedAt = received,
        });

        var decided = f.Audit.EntriesFor(result.CaseId).Single();
        Assert.Equal(("refund-assistant", "2026-11-30", "rita", "carl", received), (decided.ModelId, decided.ModelVersion, decided.Requester, decided.Subject, decided.ReceivedAt));
        Assert.Equal(f.Time.GetUtcNow(), decided.At);
        Assert.Equal(f.Policy.PolicyHash, decided.PolicyHash);
    }

    [Fact]
    public async Task A_plain_compiled_policy_records_the_same_content_hash_as_a_reloadable_one()
    {
        using var f = new GateFixture();
        var definition = Hitl.Policy.PolicyJson.Parse(GateFixture.PolicyJson);
        var compiled = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        using var gate = new ReviewGateBuilder<Signals>(compiled).AddAuditStore(f.Audit).AddReviewSink(f.Sink).AddReviewerDirectory(f.Directory).UseTimeProvider(f.Time).Build();

        var result = await gate.SubmitAsync(GateOnCaseStoreTests.Request(10, "refund 10"));

        Assert.Matches("^[0-9a-f]{64}$", compiled.PolicyHash);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Hitl.Policy.PolicyJson.Serialize(definition)))), compiled.PolicyHash);
        Assert.Equal(f.Policy.PolicyHash, compiled.PolicyHash);
        Assert.Equal(compiled.PolicyHash, f.Audit.EntriesFor(result.CaseId).Single().PolicyHash);
    }

    [Fact]
    public async Task The_host_reports_execution_once_and_only_of_a_case_the_gate_let_run()
    {
        using var f = new GateFixture();
        var auto = await f.SubmitAsync(GateFixture.Refund(10));
        var pending = await f.OpenAsync();
        f.Time.Advance(TimeSpan.FromSeconds(2));

        var view = await f.Gate.ReportExecutedAsync(auto.CaseId, "txn-881");
        var twice = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ReportExecutedAsync(auto.CaseId));
        var notAllowed = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ReportExecutedAsync(pending));

        var executed = f.Audit.EntriesFor(auto.CaseId)[^1];
        Assert.Equal((ActKind.Executed, "host", f.Time.GetUtcNow()), (executed.Act, executed.Actor, executed.At));
        Assert.Equal("txn-881", executed.Data!["reference"]);
        Assert.Equal(f.Time.GetUtcNow(), view.ExecutionReportedAt);
        Assert.Equal(ReviewErrorCode.NotExecutable, twice.Code);
        Assert.Equal(ReviewErrorCode.NotExecutable, notAllowed.Code);
        Assert.DoesNotContain(ActKind.Executed, f.Audit.ActsFor(pending));
        await Assert.ThrowsAsync<ArgumentException>(async () => await f.Gate.ReportExecutedAsync(auto.CaseId, new string('x', 513)));
    }

    [Fact]
    public async Task Each_act_on_a_ticket_records_when_the_ticket_was_shown()
    {
        using var f = new GateFixture();
        var first = await f.OpenAsync();
        var second = await f.OpenAsync();
        var issued = f.Time.GetUtcNow();
        f.Time.Advance(TimeSpan.FromMinutes(10));

        await f.Gate.ApproveAsync(new HumanAct(first, "ann", "ok") { ShownAt = issued + TimeSpan.FromMinutes(4) });
        await f.Gate.RejectAsync(new HumanAct(second, "ann", "wrong", "Not this order."));

        Assert.Equal(issued + TimeSpan.FromMinutes(4), f.Audit.EntriesFor(first)[^1].ShownAt);
        Assert.Equal(issued, f.Audit.EntriesFor(second)[^1].ShownAt); // not given: when the ticket was issued
    }

    [Fact]
    public async Task Closed_cases_are_purged_as_their_retention_class_says_and_a_legal_hold_keeps_them()
    {
        var options = new ReviewGateOptions { ClosedCaseRetention = TimeSpan.FromDays(1) };
        options.RetentionClasses["credit"] = TimeSpan.FromDays(10);
        using var f = new GateFixture(options);
        f.Directory.Add(Reviewer.Create("rosa", "agent", "records-officer"));
        var plain = (await f.Gate.SubmitAsync(GateOnCaseStoreTests.Request(10, "refund 10"))).CaseId;
        var credit = (await f.Gate.SubmitAsync(GateOnCaseStoreTests.Request(10, "refund 10") with { RetentionClass = "credit" })).CaseId;
        var held = (await f.Gate.SubmitAsync(GateOnCaseStoreTests.Request(10, "refund 10") with { RetentionClass = "credit" })).CaseId;
        await f.Gate.SetLegalHoldAsync(new HumanAct(held, "rosa", "litigation", "Case 2026-117"), hold: true);
        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.SetLegalHoldAsync(new HumanAct(held, "ann", "x"), hold: false));

        f.Time.Advance(TimeSpan.FromDays(2));
        await f.Gate.SweepAsync();
        Assert.Null(await f.Gate.GetCaseAsync(plain));
        Assert.NotNull(await f.Gate.GetCaseAsync(credit));

        f.Time.Advance(TimeSpan.FromDays(9));
        await f.Gate.SweepAsync();
        Assert.Null(await f.Gate.GetCaseAsync(credit));
        Assert.True((await f.Gate.GetCaseAsync(held))!.LegalHold);

        await f.Gate.SetLegalHoldAsync(new HumanAct(held, "rosa", "litigation-closed"), hold: false);
        await f.Gate.SweepAsync();
        Assert.Null(await f.Gate.GetCaseAsync(held));

        Assert.Equal(ReviewErrorCode.MissingRole, refused.Code);
        Assert.Equal([ActKind.Decided, ActKind.Purged], f.Audit.ActsFor(plain));
        Assert.Equal([ActKind.Decided, ActKind.LegalHold, ActKind.LegalHold, ActKind.Purged], f.Audit.ActsFor(held));
        Assert.Equal("on", f.Audit.EntriesFor(held)[1].Data!["legalHold"]);
        Assert.Equal(("rosa", "records-officer"), (f.Audit.EntriesFor(held)[1].Actor, f.Audit.EntriesFor(held)[1].ActorRole));
    }

    [Fact]
    public async Task A_contest_reopens_a_closed_case_and_clears_its_retention()
    {
        using var f = new GateFixture(new ReviewGateOptions { ClosedCaseRetention = TimeSpan.FromDays(1) });
        var id = (await f.Gate.SubmitAsync(GateOnCaseStoreTests.Request(10, "refund 10"))).CaseId;
        Assert.Equal(f.Time.GetUtcNow() + TimeSpan.FromDays(1), (await f.Gate.GetCaseAsync(id))!.RetainUntil);

        await f.Gate.ContestAsync(new HumanAct(id, "carl", "wrong"));
        f.Time.Advance(TimeSpan.FromHours(30));
        await f.Gate.SweepAsync();

        var view = (await f.Gate.GetCaseAsync(id))!;
        Assert.Null(view.RetainUntil);
        Assert.Equal(CaseState.Pending, view.State);
    }

    [Fact]
    public async Task A_payload_longer_than_the_bound_is_refused_at_submit_and_at_edit_and_nothing_is_recorded()
    {
        using var f = new GateFixture(new ReviewGateOptions { MaxPayloadLength = 64 });
        var tooLong = new string('x', 65);

        var submitted = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.SubmitAsync(GateOnCaseStoreTests.Request(10, tooLong) with { CaseId = "big" }));
        var id = await f.OpenAsync(payload: new string('y', 64));
        var edited = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.EditAndApproveAsync(new HumanAct(id, "ann", "fix"), tooLong));

        Assert.Equal((ReviewErrorCode.PayloadTooLarge, ReviewErrorCode.PayloadTooLarge), (submitted.Code, edited.Code));
        Assert.Contains("65 characters", submitted.Message, StringComparison.Ordinal);
        Assert.Empty(f.Audit.EntriesFor("big"));
        Assert.Null(await f.Gate.GetCaseAsync("big"));
        Assert.Equal([ActKind.Decided], f.Audit.ActsFor(id));
    }
}
