using System.Net;
using Hitl.Policy.Audit;
using Hitl.Policy.AspNetCore.Tests.Support;
using Hitl.Policy.Review;
using Hitl.Policy.Samples.ReviewerInbox;

namespace Hitl.Policy.AspNetCore.Tests;

/// <summary>The acts of the case page, through the gate: what each records, and every refusal as a message on the page.</summary>
public sealed class ActTests : IDisposable
{
    private const string Payload = """{"order":7,"amount":100.00,"currency":"EUR"}""";
    private readonly InboxApp _app = new();

    public void Dispose() => _app.Dispose();

    private static string Case(string id) => $"/review/cases/{id}";

    [Fact]
    public async Task Approve_records_the_reviewer_the_time_the_page_was_shown_and_leaves_the_queue()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var shown = _app.Time.GetUtcNow();
        var page = await InboxApp.PageAsync(jules, Case(id));
        _app.Time.Advance(TimeSpan.FromMinutes(3));

        using var response = await InboxApp.SubmitAsync(jules, page, Case(id) + "/approve");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/review/?done=approved&case={id}", response.Headers.Location!.OriginalString);
        var record = await _app.CaseAsync(id);
        Assert.Equal(CaseState.Approved, record.State);
        var approved = (await _app.TrailAsync(id)).Single(r => r.Entry.Act == ActKind.Approved).Entry;
        Assert.Equal(DemoPeople.Junior, approved.Actor);
        Assert.Equal("approved-in-inbox", approved.ReasonCode);
        Assert.Equal(_app.Time.GetUtcNow(), approved.At);
        Assert.Equal(shown, approved.ShownAt);
        Assert.DoesNotContain(id, await AuthorizationTests.Rows(jules));
        var queue = await InboxApp.PageAsync(jules, response.Headers.Location.OriginalString);
        Assert.Contains($"You approved case {id}", queue.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_then_approve_takes_valid_json_and_refuses_broken_json_keeping_what_was_typed()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var page = await InboxApp.PageAsync(jules, Case(id));

        using var broken = await InboxApp.SubmitAsync(jules, page, Case(id) + "/edit", ("payload", """{"order":7,"amount":"""));
        var refused = await InboxApp.ParseAsync(broken);

        using var empty = await InboxApp.SubmitAsync(jules, page, Case(id) + "/edit", ("payload", " \r\n "));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("The edited payload is empty", await Alert(empty), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("not valid JSON (line 1", refused.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("""{"order":7,"amount":""", refused.QuerySelector("textarea#payload")!.TextContent);
        Assert.Equal(CaseState.Pending, (await _app.CaseAsync(id)).State);

        using var edited = await InboxApp.SubmitAsync(jules, refused, Case(id) + "/edit", ("payload", """{"order":7,"amount":10.00,"currency":"EUR"}"""));

        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        var record = await _app.CaseAsync(id);
        Assert.Equal(CaseState.Approved, record.State);
        Assert.Equal("""{"order":7,"amount":10.00,"currency":"EUR"}""", record.EditedPayload);
        Assert.Equal(ActKind.Edited, record.History[^1].Act);
    }

    [Fact]
    public async Task A_plain_text_payload_may_be_edited_as_plain_text()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), "refund 100 EUR to order 7");
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var page = await InboxApp.PageAsync(jules, Case(id));

        using var edited = await InboxApp.SubmitAsync(jules, page, Case(id) + "/edit", ("payload", "refund 10 EUR to order 7"));

        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Equal("refund 10 EUR to order 7", (await _app.CaseAsync(id)).EditedPayload);
    }

    [Fact]
    public async Task The_line_breaks_a_browser_posts_are_the_payload_s_own()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), "{\n  \"order\": 7,\n  \"amount\": 100\n}");
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var page = await InboxApp.PageAsync(jules, Case(id));

        using var edited = await InboxApp.SubmitAsync(jules, page, Case(id) + "/edit", ("payload", "{\r\n  \"order\": 7,\r\n  \"amount\": 90\r\n}"));

        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Equal("{\n  \"order\": 7,\n  \"amount\": 90\n}", (await _app.CaseAsync(id)).EditedPayload);
    }

    [Fact]
    public async Task Reject_needs_a_listed_code_and_a_reason_and_then_closes_the_case_with_both()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var page = await InboxApp.PageAsync(jules, Case(id));

        using var noReason = await InboxApp.SubmitAsync(jules, page, Case(id) + "/reject", ("reasonCode", "wrong-amount"), ("reason", "  "));
        using var badCode = await InboxApp.SubmitAsync(jules, page, Case(id) + "/reject", ("reasonCode", "made-up"), ("reason", "x"));
        using var tooLong = await InboxApp.SubmitAsync(jules, page, Case(id) + "/reject", ("reasonCode", "wrong-amount"), ("reason", new string('x', 2001)));

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("needs a reason in your words", await Alert(noReason), StringComparison.Ordinal);
        Assert.Contains("Pick one of the listed reason codes", await Alert(badCode), StringComparison.Ordinal);
        Assert.Contains("at most 2,000 are taken", await Alert(tooLong), StringComparison.Ordinal);
        Assert.Equal(CaseState.Pending, (await _app.CaseAsync(id)).State);

        using var rejected = await InboxApp.SubmitAsync(jules, page, Case(id) + "/reject", ("reasonCode", "wrong-amount"), ("reason", "the order was 10 EUR"));

        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        var entry = (await _app.TrailAsync(id)).Single(r => r.Entry.Act == ActKind.Rejected).Entry;
        Assert.Equal(("wrong-amount", "the order was 10 EUR", DemoPeople.Junior), (entry.ReasonCode, entry.Reason, entry.Actor));
        Assert.Equal(CaseState.Rejected, (await _app.CaseAsync(id)).State);
    }

    [Fact]
    public async Task Escalate_sends_the_case_up_and_the_junior_keeps_a_read_only_view_of_what_they_escalated()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        using var sam = await _app.SignInAsync(DemoPeople.Senior);
        var page = await InboxApp.PageAsync(jules, Case(id));

        using var escalated = await InboxApp.SubmitAsync(jules, page, Case(id) + "/escalate", ("reasonCode", "unsure"), ("reason", "the photos are unclear"));

        Assert.Equal(HttpStatusCode.Redirect, escalated.StatusCode);
        Assert.Equal("senior", (await _app.CaseAsync(id)).RequiredTier);
        Assert.DoesNotContain(id, await AuthorizationTests.Rows(jules));
        Assert.Contains(id, await AuthorizationTests.Rows(sam));
        var after = await InboxApp.PageAsync(jules, Case(id));
        Assert.DoesNotContain(after.Forms, f => f.Method == "post");
        Assert.Contains("the photos are unclear", after.QuerySelector(".history")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tier_too_low_is_a_clear_message_when_the_case_was_escalated_while_the_page_was_open()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var page = await InboxApp.PageAsync(jules, Case(id));
        await _app.Gate.EscalateAsync(new HumanAct(id, DemoPeople.Senior, "needs-higher-tier"));

        using var response = await InboxApp.SubmitAsync(jules, page, Case(id) + "/approve");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Your tier is too low for this case now.", await Alert(response), StringComparison.Ordinal);
        Assert.Equal(CaseState.Pending, (await _app.CaseAsync(id)).State);
    }

    [Fact]
    public async Task A_form_for_a_case_the_reviewer_was_never_shown_is_not_found_even_with_a_valid_token()
    {
        var senior = await _app.OpenAsync(InboxApp.Refund(5000), Payload);
        var junior = await _app.OpenAsync(InboxApp.Refund(100), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var page = await InboxApp.PageAsync(jules, Case(junior));
        var form = page.Forms.Single(f => f.GetAttribute("action") == Case(junior) + "/approve");

        using var response = await jules.PostAsync(Case(senior) + "/approve", new FormUrlEncodedContent(InboxApp.Fields(form)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(CaseState.Pending, (await _app.CaseAsync(senior)).State);
    }

    [Fact]
    public async Task A_deadline_that_passed_while_the_page_was_open_is_named_in_the_refusal()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var page = await InboxApp.PageAsync(jules, Case(id));
        _app.Time.Advance(TimeSpan.FromHours(5));
        await _app.Gate.SweepAsync(); // as the gate's timer does: the case escalates to the senior tier

        using var response = await InboxApp.SubmitAsync(jules, page, Case(id) + "/approve");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var alert = await Alert(response);
        Assert.Contains("Your tier is too low for this case now.", alert, StringComparison.Ordinal);
        Assert.True(alert.Contains("Since you opened the page: timed-out by the gate", StringComparison.Ordinal), alert);
        Assert.Equal("senior", (await _app.CaseAsync(id)).RequiredTier);
    }

    [Fact]
    public async Task A_passed_deadline_no_sweep_has_seen_yet_is_refused_as_such()
    {
        using var app = new InboxApp(sweeps: false);
        var id = await app.OpenAsync(InboxApp.Refund(100), Payload);
        using var jules = await app.SignInAsync(DemoPeople.Junior);
        var page = await InboxApp.PageAsync(jules, Case(id));
        app.Time.Advance(TimeSpan.FromHours(5));

        using var response = await InboxApp.SubmitAsync(jules, page, Case(id) + "/approve");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("The review deadline passed before your act", await Alert(response), StringComparison.Ordinal);
        var record = await app.CaseAsync(id);
        Assert.Equal(CaseState.Pending, record.State);
        Assert.Equal("senior", record.RequiredTier);
        Assert.Equal(ActKind.TimedOut, record.History[^1].Act);
    }

    [Fact]
    public async Task Under_the_kill_switch_an_approval_is_held_and_the_page_says_so()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), Payload);
        using var sam = await _app.SignInAsync(DemoPeople.Senior);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var panel = await InboxApp.PageAsync(sam, "/review/operator");
        using var engaged = await InboxApp.SubmitAsync(sam, panel, "/review/operator/engage", ("action", "refund.issue"), ("reason", "refund model misbehaves"));
        Assert.Equal(HttpStatusCode.Redirect, engaged.StatusCode);
        Assert.True(_app.Gate.KillSwitch.IsEngaged("refund.issue"));
        var page = await InboxApp.PageAsync(jules, Case(id));

        using var response = await InboxApp.SubmitAsync(jules, page, Case(id) + "/approve");

        Assert.Equal("/review/?done=held&case=" + id, response.Headers.Location!.OriginalString);
        var queue = await InboxApp.PageAsync(jules, response.Headers.Location.OriginalString);
        Assert.Contains("a kill switch holds it", queue.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(CaseState.Held, (await _app.CaseAsync(id)).State);
        Assert.DoesNotContain(id, await AuthorizationTests.Rows(jules));
        Assert.DoesNotContain(id, await AuthorizationTests.Rows(jules, "/review/?state=held")); // jules approved it: another reviewer may reject it
        Assert.Contains(id, await AuthorizationTests.Rows(sam, "/review/?state=held"));
        var switched = new List<AuditEntry>();
        await foreach (var r in _app.Audit.ReadAsync())
        {
            if (r.Entry.Act == ActKind.KillSwitchEngaged)
            {
                switched.Add(r.Entry);
            }
        }

        Assert.Equal((DemoPeople.Senior, "refund model misbehaves"), (switched.Single().Actor, switched.Single().Reason));

        var again = await InboxApp.PageAsync(sam, "/review/operator");
        Assert.Contains("Engaged for: refund.issue", again.QuerySelector(".state")!.TextContent, StringComparison.Ordinal);
        using var released = await InboxApp.SubmitAsync(sam, again, "/review/operator/release", ("action", "refund.issue"), ("reason", "fixed"));
        Assert.Equal(HttpStatusCode.Redirect, released.StatusCode);
        Assert.False(_app.Gate.KillSwitch.IsEngaged("refund.issue"));
    }

    [Fact]
    public async Task The_kill_switch_needs_a_reason()
    {
        using var sam = await _app.SignInAsync(DemoPeople.Senior);
        var panel = await InboxApp.PageAsync(sam, "/review/operator");

        using var response = await InboxApp.SubmitAsync(sam, panel, "/review/operator/engage", ("action", ""), ("reason", ""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("A reason is required", await Alert(response), StringComparison.Ordinal);
        Assert.False(_app.Gate.KillSwitch.IsGlobalEngaged);
    }

    [Fact]
    public async Task A_withheld_suggestion_stays_hidden_until_the_reviewer_decided_on_their_own_and_asked_to_see_it()
    {
        var claim = new Signals { ActionType = DemoCases.WithheldAction, Confidence = 0.74, Reversibility = Reversibility.Reversible };
        claim.Flags["claim.denial"] = true;
        var id = await _app.OpenAsync(claim, """{"claim":"C-1","decision":"deny-the-claim"}""");
        using var jules = await _app.SignInAsync(DemoPeople.Junior);

        var first = await InboxApp.PageAsync(jules, Case(id));
        Assert.DoesNotContain("deny-the-claim", first.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.Null(first.QuerySelector($"form[action='{Case(id)}/approve']"));

        using var decided = await InboxApp.SubmitAsync(jules, first, Case(id) + "/decide", ("decision", "approve the claim"));
        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        var second = await InboxApp.PageAsync(jules, decided.Headers.Location!.OriginalString);
        Assert.DoesNotContain("deny-the-claim", second.DocumentElement.OuterHtml, StringComparison.Ordinal);

        using var revealed = await InboxApp.SubmitAsync(jules, second, Case(id) + "/reveal");
        var third = await InboxApp.PageAsync(jules, revealed.Headers.Location!.OriginalString);
        Assert.Contains("deny-the-claim", third.QuerySelector("pre.payload")!.TextContent, StringComparison.Ordinal);
        var history = (await _app.CaseAsync(id)).History;
        Assert.Equal(DemoPeople.Junior, history.Single(e => e.Act == ActKind.IndependentDecision).Actor);
        Assert.Equal(DemoPeople.Junior, history.Single(e => e.Act == ActKind.SuggestionRevealed).Actor);

        using var approved = await InboxApp.SubmitAsync(jules, third, Case(id) + "/approve");
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal(CaseState.Approved, (await _app.CaseAsync(id)).State);
    }

    [Fact]
    public async Task A_form_without_its_anti_forgery_token_changes_nothing()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var page = await InboxApp.PageAsync(jules, Case(id));
        var shown = page.QuerySelector("input[name=shown]")!.GetAttribute("value")!;

        using var response = await jules.PostAsync(Case(id) + "/approve", new FormUrlEncodedContent([KeyValuePair.Create("shown", shown)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("without a valid anti-forgery token", AuthorizationTests.MainText(await InboxApp.ParseAsync(response)), StringComparison.Ordinal);
        Assert.Equal(CaseState.Pending, (await _app.CaseAsync(id)).State);
        Assert.DoesNotContain((await _app.TrailAsync(id)), r => r.Entry.Act == ActKind.Approved);
    }

    private static async Task<string> Alert(HttpResponseMessage response) =>
        (await InboxApp.ParseAsync(response)).QuerySelector("[role=alert]")?.TextContent ?? "(no alert on the page)";
}
