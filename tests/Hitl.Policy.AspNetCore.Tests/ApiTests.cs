using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hitl.Policy.Audit;
using Hitl.Policy.AspNetCore.Tests.Support;
using Hitl.Policy.Review;
using Hitl.Policy.Samples.ReviewerInbox;

namespace Hitl.Policy.AspNetCore.Tests;

/// <summary>The JSON API for bots: the same cases, rules and gate as the pages.</summary>
public sealed class ApiTests : IDisposable
{
    private const string Payload = """{"order":7,"amount":100.00,"currency":"EUR"}""";
    private readonly InboxApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_list_is_the_reviewer_s_queue_in_deadline_order_and_pages_with_a_cursor()
    {
        for (var i = 0; i < 5; i++)
        {
            await _app.OpenAsync(InboxApp.Refund(100 + i), Payload);
            _app.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await _app.OpenAsync(InboxApp.Refund(5000), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);

        var ids = new List<string>();
        string? after = null;
        do
        {
            using var doc = await JsonAsync(jules, "/review/api/cases?limit=2" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)));
            var cases = doc.RootElement.GetProperty("cases");
            Assert.True(cases.GetArrayLength() <= 2);
            ids.AddRange(cases.EnumerateArray().Select(c => c.GetProperty("caseId").GetString()!));
            Assert.All(cases.EnumerateArray(), c => Assert.Equal("junior", c.GetProperty("requiredTier").GetString()));
            after = doc.RootElement.TryGetProperty("next", out var next) ? next.GetString() : null;
        }
        while (after is not null);

        var expected = (await _app.Gate.Cases.QueryAsync(new CaseQuery { States = [CaseState.Pending], RequiredTiers = ["junior"], NotInvolving = DemoPeople.Junior, OrderBy = CaseOrder.Deadline, Limit = 1000 })).Cases;
        Assert.Equal(expected.Select(c => c.Id), ids);
    }

    [Fact]
    public async Task A_case_reads_as_the_review_packet_with_its_history()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100, confidence: 0.7), Payload, "Refund for order 7");
        using var jules = await _app.SignInAsync(DemoPeople.Junior);

        using var doc = await JsonAsync(jules, $"/review/api/cases/{id}");
        var c = doc.RootElement;

        Assert.True(c.GetProperty("isAiGenerated").GetBoolean());
        Assert.Equal("refund.issue", c.GetProperty("actionType").GetString());
        Assert.Equal("Refund for order 7", c.GetProperty("summary").GetString());
        Assert.Equal(0.7, c.GetProperty("confidence").GetDouble());
        Assert.Equal("unsure", c.GetProperty("reasons")[0].GetProperty("rule").GetString());
        Assert.Contains("partial refunds", c.GetProperty("modelWeaknesses").GetString(), StringComparison.Ordinal);
        Assert.Equal(Payload, c.GetProperty("payload").GetString());
        Assert.Equal(4 * 3600, c.GetProperty("secondsLeft").GetInt64());
        Assert.Equal("decided", c.GetProperty("history")[0].GetProperty("act").GetString());
    }

    [Fact]
    public async Task A_tool_call_case_shows_the_conversation_and_the_tool_call_it_came_from()
    {
        var ids = new Dictionary<string, string> { [CaseCorrelation.ConversationId] = "conv-<b>7</b>", [CaseCorrelation.ToolCallId] = "call_1" };
        var id = await _app.OpenAsync(InboxApp.Refund(100), Payload, correlation: ids);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);

        using var doc = await JsonAsync(jules, $"/review/api/cases/{id}");
        var page = await InboxApp.PageAsync(jules, $"/review/cases/{id}");

        var correlation = doc.RootElement.GetProperty("correlation");
        Assert.Equal("conv-<b>7</b>", correlation.GetProperty(CaseCorrelation.ConversationId).GetString());
        Assert.Equal("call_1", correlation.GetProperty(CaseCorrelation.ToolCallId).GetString());
        var shown = page.QuerySelectorAll("dt").Single(dt => dt.TextContent == "Correlation").NextElementSibling!;
        Assert.Equal("conversationId conv-<b>7</b>, toolCallId call_1", shown.TextContent); // as text: the markup stays inert
        Assert.Empty(shown.QuerySelectorAll("b"));
    }

    [Fact]
    public async Task An_act_goes_through_the_gate_and_a_refusal_is_a_problem_with_the_gate_s_code()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);

        using var noReason = await jules.PostAsJsonAsync($"/review/api/cases/{id}/acts", new { act = "reject", reasonCode = "wrong-amount" });
        using var badCode = await jules.PostAsJsonAsync($"/review/api/cases/{id}/acts", new { act = "reject", reasonCode = "nope", reason = "x" });
        using var notJson = await jules.PostAsJsonAsync($"/review/api/cases/{id}/acts", new { act = "edit", payload = "{broken" });

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("missing-reason", (await Problem(noReason)).Code);
        Assert.Equal("bad-reason-code", (await Problem(badCode)).Code);
        Assert.Equal("payload-not-json", (await Problem(notJson)).Code);
        using var longCode = await jules.PostAsJsonAsync($"/review/api/cases/{id}/acts", new { act = "approve", reasonCode = new string('x', 65) });
        Assert.Equal("bad-reason-code", (await Problem(longCode)).Code);
        Assert.Equal(CaseState.Pending, (await _app.CaseAsync(id)).State);
        Assert.Equal("application/problem+json", noReason.Content.Headers.ContentType!.MediaType);

        using var edited = await jules.PostAsJsonAsync($"/review/api/cases/{id}/acts", new { act = "edit", payload = """{"order":7,"amount":50}""", reason = "half" });

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        using var body = JsonDocument.Parse(await edited.Content.ReadAsStringAsync());
        Assert.Equal("approved", body.RootElement.GetProperty("state").GetString());
        var entry = (await _app.TrailAsync(id)).Single(r => r.Entry.Act == ActKind.Edited).Entry;
        Assert.Equal((DemoPeople.Junior, "edited-in-inbox", "half"), (entry.Actor, entry.ReasonCode, entry.Reason));

        using var again = await jules.PostAsJsonAsync($"/review/api/cases/{id}/acts", new { act = "approve" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("case-closed", (await Problem(again)).Code);
    }

    [Fact]
    public async Task A_case_the_reviewer_may_not_see_cannot_be_acted_on_and_is_not_found()
    {
        var senior = await _app.OpenAsync(InboxApp.Refund(5000), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);

        using var act = await jules.PostAsJsonAsync($"/review/api/cases/{senior}/acts", new { act = "approve" });

        Assert.Equal(HttpStatusCode.NotFound, act.StatusCode);
        Assert.Equal(CaseState.Pending, (await _app.CaseAsync(senior)).State);
    }

    [Fact]
    public async Task Acts_are_taken_only_as_json_so_that_a_form_of_another_site_cannot_post_one()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), Payload);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);

        using var form = await jules.PostAsync($"/review/api/cases/{id}/acts", new FormUrlEncodedContent([KeyValuePair.Create("act", "approve")]));
        using var text = await jules.PostAsync($"/review/api/cases/{id}/acts", new StringContent("""{"act":"approve"}""", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(CaseState.Pending, (await _app.CaseAsync(id)).State);
    }

    [Fact]
    public async Task A_bad_query_is_refused_with_what_is_allowed()
    {
        using var jules = await _app.SignInAsync(DemoPeople.Junior);

        foreach (var query in new[] { "limit=0", "limit=101", "limit=x", "state=approved", "after=not-a-cursor" })
        {
            using var response = await jules.GetAsync("/review/api/cases?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("bad-query", (await Problem(response)).Code);
        }
    }

    private static async Task<JsonDocument> JsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task<(string Code, string Detail)> Problem(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (doc.RootElement.GetProperty("code").GetString()!, doc.RootElement.GetProperty("detail").GetString()!);
    }
}
