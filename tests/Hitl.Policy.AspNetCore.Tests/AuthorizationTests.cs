using System.Net;
using Hitl.Policy.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Hitl.Policy.Review;
using Hitl.Policy.Samples.ReviewerInbox;

namespace Hitl.Policy.AspNetCore.Tests;

/// <summary>Who sees what: the queue and the case page by tier, role and involvement; everyone else is told nothing.</summary>
public sealed class AuthorizationTests : IDisposable
{
    private readonly InboxApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Nobody_signed_in_is_sent_to_sign_in_and_sees_no_case()
    {
        using var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        var id = await _app.OpenAsync(InboxApp.Refund(100), "{}");

        foreach (var url in new[] { "/review/", $"/review/cases/{id}", "/review/operator", "/review/api/cases", $"/review/api/cases/{id}", $"/contest/{id}" })
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_queue_holds_exactly_the_open_cases_of_the_reviewer_s_tier_or_lower()
    {
        var junior = await _app.OpenAsync(InboxApp.Refund(100), "{}", "junior refund");
        var senior = await _app.OpenAsync(InboxApp.Refund(5000), "{}", "senior refund");
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        using var sam = await _app.SignInAsync(DemoPeople.Senior);

        var julesQueue = await Rows(jules);
        var samQueue = await Rows(sam);

        var pending = (await _app.Gate.Cases.QueryAsync(new CaseQuery { States = [CaseState.Pending], Limit = 1000 })).Cases;
        Assert.Equal(pending.Where(c => c.RequiredTier == "junior").Select(c => c.Id).Order(), julesQueue.Order());
        Assert.Equal(pending.Select(c => c.Id).Order(), samQueue.Order());
        Assert.Contains(junior, julesQueue);
        Assert.DoesNotContain(senior, julesQueue);
        Assert.Contains(senior, samQueue);
    }

    [Fact]
    public async Task A_case_above_the_reviewer_s_tier_is_not_found_exactly_like_a_case_that_does_not_exist()
    {
        var senior = await _app.OpenAsync(InboxApp.Refund(5000), "{\"secret\":\"do-not-leak\"}", "senior-only refund");
        using var jules = await _app.SignInAsync(DemoPeople.Junior);

        using var hidden = await jules.GetAsync($"/review/cases/{senior}");
        using var missing = await jules.GetAsync("/review/cases/no-such-case");
        using var api = await jules.GetAsync($"/review/api/cases/{senior}");
        using var apiMissing = await jules.GetAsync("/review/api/cases/no-such-case");

        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var hiddenText = await hidden.Content.ReadAsStringAsync();
        Assert.DoesNotContain("senior-only refund", hiddenText, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-leak", hiddenText, StringComparison.Ordinal);
        Assert.Equal(MainText(await InboxApp.ParseAsync(missing)), MainText(await InboxApp.ParseAsync(hidden)));
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal(await apiMissing.Content.ReadAsStringAsync(), await api.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_reviewer_never_sees_a_case_they_asked_for_or_that_is_about_them(bool asRequester)
    {
        var own = await _app.OpenAsync(InboxApp.Refund(100), "{}", "my own refund",
            requester: asRequester ? DemoPeople.Junior : "support-bot", subject: asRequester ? "zoe" : DemoPeople.Junior);
        using var jules = await _app.SignInAsync(DemoPeople.Junior);

        Assert.DoesNotContain(own, await Rows(jules));
        using var page = await jules.GetAsync($"/review/cases/{own}");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        using var form = await _app.SignInAsync(DemoPeople.Senior);
        var senior = await InboxApp.PageAsync(form, $"/review/cases/{own}");
        using var approve = await InboxApp.SubmitAsync(jules, senior, $"/review/cases/{own}/approve");
        Assert.Equal(HttpStatusCode.BadRequest, approve.StatusCode); // sam's form tokens are not jules's
        Assert.Equal(CaseState.Pending, (await _app.CaseAsync(own)).State);
    }

    [Fact]
    public async Task A_signed_in_user_who_is_not_a_reviewer_is_told_so_and_sees_no_case()
    {
        using var carl = await _app.SignInAsync(DemoPeople.Customer);

        using var queue = await carl.GetAsync("/review/");
        using var api = await carl.GetAsync("/review/api/cases");

        Assert.Equal(HttpStatusCode.Forbidden, queue.StatusCode);
        Assert.Contains("not a reviewer", await queue.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("data-case", await queue.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
    }

    [Fact]
    public async Task The_reviewer_is_read_from_the_claim_the_host_names()
    {
        using var byName = _app.WithWebHostBuilder(b => b.ConfigureServices(s => s.Configure<HitlInboxOptions>(o => o.ReviewerClaimType = System.Security.Claims.ClaimTypes.Name)));
        using var byEmail = _app.WithWebHostBuilder(b => b.ConfigureServices(s => s.Configure<HitlInboxOptions>(o => o.ReviewerClaimType = System.Security.Claims.ClaimTypes.Email)));

        using var name = await SignInAsync(byName, DemoPeople.Junior);
        using var email = await SignInAsync(byEmail, DemoPeople.Junior);
        using var named = await name.GetAsync("/review/");
        using var unnamed = await email.GetAsync("/review/");

        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unnamed.StatusCode);
        Assert.Contains($"no usable claim '{System.Security.Claims.ClaimTypes.Email}'", MainText(await InboxApp.ParseAsync(unnamed)), StringComparison.Ordinal);
    }

    private static async Task<HttpClient> SignInAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string user)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var page = await InboxApp.PageAsync(client, "/signin");
        using var response = await client.PostAsync("/signin", new FormUrlEncodedContent(InboxApp.Fields(page.Forms.Single(), ("user", user))));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    [Fact]
    public async Task The_operator_panel_is_not_found_for_a_reviewer_without_the_operator_role()
    {
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        using var sam = await _app.SignInAsync(DemoPeople.Senior);

        using var julesPanel = await jules.GetAsync("/review/operator");
        using var samPanel = await sam.GetAsync("/review/operator");

        Assert.Equal(HttpStatusCode.NotFound, julesPanel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, samPanel.StatusCode);
        Assert.DoesNotContain("Kill switch", MainText(await InboxApp.ParseAsync(julesPanel)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_page_forbids_scripts_framing_and_caching()
    {
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var id = await _app.OpenAsync(InboxApp.Refund(100), "{}");

        foreach (var url in new[] { "/review/", $"/review/cases/{id}", "/review/cases/missing", "/review/api/cases" })
        {
            using var response = await jules.GetAsync(url);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.True(response.Headers.CacheControl!.NoStore, url);
            Assert.Equal("nosniff", string.Join("", response.Headers.GetValues("X-Content-Type-Options")));
        }
    }

    internal static async Task<List<string>> Rows(HttpClient client, string url = "/review/")
    {
        var page = await InboxApp.PageAsync(client, url);
        return [.. page.QuerySelectorAll("tr[data-case]").Select(r => r.GetAttribute("data-case")!)];
    }

    internal static string MainText(AngleSharp.Html.Dom.IHtmlDocument page) => page.QuerySelector("main")!.TextContent;
}
