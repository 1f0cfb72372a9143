using System.Net;
using Hitl.Policy.Audit;
using Hitl.Policy.AspNetCore.Tests.Support;
using Hitl.Policy.Review;
using Hitl.Policy.Samples.ReviewerInbox;

namespace Hitl.Policy.AspNetCore.Tests;

/// <summary>The affected person's contest page: only the subject sees it, and a contest sends the case back to a person.</summary>
public sealed class ContestTests : IDisposable
{
    private readonly InboxApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<string> CarlsAutoExecutedCaseAsync() =>
        (await _app.Gate.Cases.QueryAsync(new CaseQuery { Subject = DemoPeople.Customer, States = [CaseState.AutoExecuted] })).Cases.Single().Id;

    [Fact]
    public async Task The_subject_contests_a_decision_and_it_goes_back_to_a_reviewer_with_the_reason_on_record()
    {
        var id = await CarlsAutoExecutedCaseAsync();
        using var carl = await _app.SignInAsync(DemoPeople.Customer);
        using var sam = await _app.SignInAsync(DemoPeople.Senior);
        var page = await InboxApp.PageAsync(carl, $"/contest/{id}");
        Assert.Contains("wrong size", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);

        using var contested = await InboxApp.SubmitAsync(carl, page, $"/contest/{id}", ("reason", "I sent it back, the refund is 35 EUR short"));

        Assert.Equal(HttpStatusCode.Redirect, contested.StatusCode);
        var after = await InboxApp.PageAsync(carl, contested.Headers.Location!.OriginalString);
        Assert.Contains("Your contest is on record", after.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        var record = await _app.CaseAsync(id);
        Assert.True(record.Contested);
        Assert.Equal(CaseState.Pending, record.State);
        var entry = (await _app.TrailAsync(id)).Single(r => r.Entry.Act == ActKind.Contested).Entry;
        Assert.Equal((DemoPeople.Customer, "contested-by-subject", "I sent it back, the refund is 35 EUR short"), (entry.Actor, entry.ReasonCode, entry.Reason));
        Assert.Contains(id, await AuthorizationTests.Rows(sam));
    }

    [Fact]
    public async Task The_subject_sees_the_outcome_but_not_the_reviewers_notes_for_the_model_s_owner()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), "{}", subject: DemoPeople.Customer);
        await _app.Gate.RejectAsync(new HumanAct(id, DemoPeople.Junior, "wrong-amount", "internal: customer flagged by fraud team"));
        using var carl = await _app.SignInAsync(DemoPeople.Customer);

        var page = await InboxApp.PageAsync(carl, $"/contest/{id}");

        var text = page.QuerySelector("main")!.TextContent;
        Assert.Contains("rejected", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fraud team", text, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector($"form[action='/contest/{id}']"));
    }

    [Fact]
    public async Task Nobody_but_the_subject_finds_the_contest_page_of_a_case()
    {
        var id = await CarlsAutoExecutedCaseAsync();
        var other = await _app.OpenAsync(InboxApp.Refund(20, confidence: 0.95), "{}", subject: "zoe");
        using var carl = await _app.SignInAsync(DemoPeople.Customer);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);

        using var julesPage = await jules.GetAsync($"/contest/{id}");
        using var carlOther = await carl.GetAsync($"/contest/{other}");
        using var missing = await carl.GetAsync("/contest/no-such-case");

        Assert.Equal(HttpStatusCode.NotFound, julesPage.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, carlOther.StatusCode);
        Assert.Equal(AuthorizationTests.MainText(await InboxApp.ParseAsync(missing)), AuthorizationTests.MainText(await InboxApp.ParseAsync(carlOther)));
        Assert.False((await _app.CaseAsync(other)).Contested);
    }

    [Fact]
    public async Task A_contest_needs_a_reason_and_an_open_case_cannot_be_contested_yet()
    {
        var id = await CarlsAutoExecutedCaseAsync();
        var open = await _app.OpenAsync(InboxApp.Refund(100), "{}", subject: DemoPeople.Customer);
        using var carl = await _app.SignInAsync(DemoPeople.Customer);
        var page = await InboxApp.PageAsync(carl, $"/contest/{id}");
        var openPage = await InboxApp.PageAsync(carl, $"/contest/{open}");

        using var noReason = await InboxApp.SubmitAsync(carl, page, $"/contest/{id}", ("reason", " "));
        var token = page.QuerySelector("input[type=hidden]")!;
        using var early = await carl.PostAsync($"/contest/{open}", new FormUrlEncodedContent([
            KeyValuePair.Create(token.GetAttribute("name")!, token.GetAttribute("value")!), KeyValuePair.Create("reason", "too early")]));

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("Say in your words why", (await InboxApp.ParseAsync(noReason)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(openPage.QuerySelector("form"));
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        Assert.Contains("still under review", (await InboxApp.ParseAsync(early)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.False((await _app.CaseAsync(id)).Contested);
    }
}
