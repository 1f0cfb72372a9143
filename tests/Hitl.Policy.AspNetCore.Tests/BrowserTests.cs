using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hitl.Policy.AspNetCore.Tests.Support;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Samples.ReviewerInbox;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hitl.Policy.AspNetCore.Tests;

/// <summary>
/// The reviewer inbox end to end in a real Chromium: the sample app served by Kestrel on loopback with its demo cases,
/// one app (own SQLite file, own clock) and one browser context per test; the acts are checked in the store and the trail.
/// </summary>
[Collection("chromium")]
public sealed class BrowserTests(ChromiumFixture chromium) : IAsyncLifetime, IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly InboxApp _app = new();
    private Uri _address = default!;
    private readonly List<IBrowserContext> _contexts = [];

    public Task InitializeAsync()
    {
        _address = _app.StartKestrel();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_junior_sees_only_junior_cases_and_approves_an_edited_refund()
    {
        var (junior, senior) = await PendingByTierAsync();
        var page = await SignedInAsync(DemoPeople.Junior);

        // The queue holds exactly the junior cases: no senior one, by id or by summary.
        Assert.Equal(junior.Select(c => c.Id).Order(StringComparer.Ordinal), await QueueIdsAsync(page));
        var queueText = await page.Locator("main").InnerTextAsync();
        foreach (var c in junior)
        {
            await Expect(Row(page, c.Id)).ToHaveCountAsync(1);
        }

        foreach (var c in senior)
        {
            await Expect(Row(page, c.Id)).ToHaveCountAsync(0);
            Assert.DoesNotContain(c.Summary!, queueText, StringComparison.Ordinal);
            Assert.DoesNotContain(c.Id, queueText, StringComparison.Ordinal);
        }

        // Open a junior refund from its row and approve it with a smaller amount.
        var refund = junior.First(c => c.ActionType == "refund.issue");
        await Row(page, refund.Id).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Case {refund.Id}", Level = 1 })).ToBeVisibleAsync();

        var editor = page.GetByLabel("Edit the payload, then approve it");
        var shown = await editor.InputValueAsync();
        var json = JsonNode.Parse(shown)!.AsObject();
        var amount = json["amount"]!.GetValue<decimal>();
        json["amount"] = amount / 2;
        var typed = json.ToJsonString();
        Assert.NotEqual(shown, typed);
        await editor.FillAsync(typed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve the edited payload" }).ClickAsync();

        await page.WaitForURLAsync(QueueUrl());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your queue", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"You edited and approved case {refund.Id}");
        await Expect(Row(page, refund.Id)).ToHaveCountAsync(0);
        Assert.Equal(junior.Select(c => c.Id).Where(id => id != refund.Id).Order(StringComparer.Ordinal), await QueueIdsAsync(page));

        // The store and the trail agree with the page.
        var edited = Assert.Single(await _app.TrailAsync(refund.Id), r => r.Entry.Act == ActKind.Edited);
        Assert.Equal(DemoPeople.Junior, edited.Entry.Actor);
        var record = await _app.CaseAsync(refund.Id);
        Assert.Equal(CaseState.Approved, record.State);
        Assert.Equal(typed, record.EditedPayload);
        Assert.Equal(refund.Payload, record.Payload);
        var last = record.History[^1];
        Assert.Equal(ActKind.Edited, last.Act);
        Assert.Equal(DemoPeople.Junior, last.Actor);
        Assert.Equal(edited.Entry.At, last.At);
    }

    [Fact]
    public async Task A_senior_case_opened_by_address_as_a_junior_is_not_found()
    {
        var (_, senior) = await PendingByTierAsync();
        var page = await SignedInAsync(DemoPeople.Junior);
        foreach (var c in senior)
        {
            var response = await page.GotoAsync(CasePath(c.Id));
            Assert.NotNull(response);
            Assert.Equal(404, response.Status);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found", Level = 1 })).ToBeVisibleAsync();
            var text = await page.Locator("body").InnerTextAsync();
            Assert.DoesNotContain(c.Summary!, text, StringComparison.Ordinal);
            Assert.DoesNotContain(c.Id, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_hostile_payload_and_summary_render_as_inert_text()
    {
        var email = await PendingAsync("email.send");
        Assert.Contains("<script>alert('stolen')</script>", email.Payload, StringComparison.Ordinal);
        var page = await SignedInAsync(DemoPeople.Junior);
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add($"{dialog.Type}: {dialog.Message}");
            _ = dialog.DismissAsync();
        };

        // The queue shows the summary's markup as text.
        var row = Row(page, email.Id);
        await Expect(row).ToContainTextAsync("<b>(check the links)</b>");
        await Expect(row.Locator("b, script")).ToHaveCountAsync(0);

        var response = await page.GotoAsync(CasePath(email.Id));
        Assert.Equal(200, response!.Status);
        await page.WaitForLoadStateAsync(LoadState.Load);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Case {email.Id}", Level = 1 })).ToBeVisibleAsync();

        Assert.Equal(0, await page.EvaluateAsync<int>("document.querySelectorAll('script').length"));
        await Expect(page.Locator("a[href^='javascript:' i]")).ToHaveCountAsync(0);
        var payload = await page.Locator("pre.payload").TextContentAsync();
        Assert.Contains("<script>alert('stolen')</script>", payload, StringComparison.Ordinal);
        Assert.Contains("javascript:alert(1)", payload, StringComparison.Ordinal);

        var summary = page.Locator("xpath=//dt[normalize-space()='Summary']/following-sibling::dd[1]");
        await Expect(summary).ToHaveTextAsync("E-mail to a customer drafted by the model <b>(check the links)</b>.");
        await Expect(summary.Locator("b")).ToHaveCountAsync(0);

        // What a reviewer does on the page runs no script either: focus and hover the payload, then edit it.
        await page.Locator("pre.payload").HoverAsync();
        await page.GetByLabel("Edit the payload, then approve it").FocusAsync();
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task A_form_posted_without_the_anti_forgery_token_is_refused()
    {
        var refund = await PendingAsync("refund.issue", tier: "junior");
        var page = await SignedInAsync(DemoPeople.Junior);
        await page.GotoAsync(CasePath(refund.Id));

        // Playwright's evaluation is not bound by the page's CSP, so the page keeps its CSP (no BypassCSP).
        var tokens = page.Locator("input[type=hidden][name='__RequestVerificationToken']");
        var removed = await tokens.EvaluateAllAsync<int>("inputs => { inputs.forEach(i => i.remove()); return inputs.length; }");
        Assert.True(removed >= 3, $"Only {removed} anti-forgery fields were on the page.");
        await Expect(tokens).ToHaveCountAsync(0);

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Approve as it is" }).ClickAsync(),
            r => r.Request.Method == "POST");
        Assert.Equal(400, response.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "The form was refused", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("without a valid anti-forgery token");

        var record = await _app.CaseAsync(refund.Id);
        Assert.Equal(CaseState.Pending, record.State);
        Assert.Empty(record.Approvers);
        Assert.DoesNotContain(await _app.TrailAsync(refund.Id), r => r.Entry.Act is ActKind.Approved or ActKind.Edited);
    }

    [Fact]
    public async Task The_keyboard_alone_approves_a_case()
    {
        var refund = await PendingAsync("refund.issue", tier: "junior");
        var page = await SignedInAsync(DemoPeople.Junior);
        await page.GotoAsync(CasePath(refund.Id));

        // The first stop is the skip link; then Tab on until the approve button has the focus.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("document.activeElement.textContent.trim()"));
        var approve = page.GetByRole(AriaRole.Button, new() { Name = "Approve as it is" });
        var presses = 1;
        while (!await approve.EvaluateAsync<bool>("b => b === document.activeElement"))
        {
            Assert.True(presses < 60, "Tab never reached the 'Approve as it is' button.");
            await page.Keyboard.PressAsync("Tab");
            presses++;
        }

        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(QueueUrl());
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"You approved case {refund.Id}");

        var record = await _app.CaseAsync(refund.Id);
        Assert.Equal(CaseState.Approved, record.State);
        Assert.Equal(DemoPeople.Junior, Assert.Single(record.Approvers));
        Assert.Null(record.EditedPayload);
        var approved = Assert.Single(await _app.TrailAsync(refund.Id), r => r.Entry.Act == ActKind.Approved);
        Assert.Equal(DemoPeople.Junior, approved.Entry.Actor);
    }

    [Fact]
    public async Task Every_visible_form_control_has_a_label()
    {
        var refund = await PendingAsync("refund.issue", tier: "junior");
        var claim = await PendingAsync(DemoCases.WithheldAction);
        var junior = await SignedInAsync(DemoPeople.Junior);
        await AssertLabelledAsync(junior, "the queue", 2);

        await junior.GotoAsync(CasePath(refund.Id));
        await Expect(junior.GetByLabel("Edit the payload, then approve it")).ToBeVisibleAsync();
        await AssertLabelledAsync(junior, "a refund's page", 5);

        // The withheld suggestion's page asks for the reviewer's own decision first: another form.
        await junior.GotoAsync(CasePath(claim.Id));
        await Expect(junior.GetByLabel("Your own decision (what you would do, before you see the AI's)")).ToBeVisibleAsync();
        await AssertLabelledAsync(junior, "a withheld suggestion's page", 3);

        var senior = await SignedInAsync(DemoPeople.Senior);
        await senior.GetByRole(AriaRole.Link, new() { Name = "Kill switch" }).ClickAsync();
        await Expect(senior.GetByRole(AriaRole.Heading, new() { Name = "Kill switch", Level = 1 })).ToBeVisibleAsync();
        await AssertLabelledAsync(senior, "the kill switch panel", 4);
    }

    [Fact]
    public async Task Screenshots_of_the_queue_and_of_a_case_for_the_docs()
    {
        var (junior, senior) = await PendingByTierAsync();
        var email = await PendingAsync("email.send");
        // Into the test's output, or, with HITL_UPDATE_SCREENSHOTS=1, over the ones the README shows (docs/images).
        var images = Environment.GetEnvironmentVariable("HITL_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(RepositoryRoot(), "docs", "images")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(images);
        var page = await SignedInAsync(DemoPeople.Senior);

        // A senior sees every pending case.
        Assert.Equal(junior.Concat(senior).Select(c => c.Id).Order(StringComparer.Ordinal), await QueueIdsAsync(page));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your queue", Level = 1 })).ToBeVisibleAsync();
        await AssertScreenshotAsync(page, Path.Combine(images, "inbox-queue.png"));

        await page.Locator($"tr[data-case='{email.Id}']").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Case {email.Id}", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("pre.payload")).ToContainTextAsync("<script>alert('stolen')</script>");
        await AssertScreenshotAsync(page, Path.Combine(images, "inbox-case.png"));
    }

    private async Task<IPage> SignedInAsync(string user)
    {
        var context = await chromium.Browser.NewContextAsync(new()
        {
            BaseURL = _address.ToString(),
            ViewportSize = new() { Width = 1280, Height = 900 },
        });
        _contexts.Add(context);
        context.SetDefaultTimeout(60_000); // a cold Chromium on a loaded 2-core machine, not a slow inbox
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Sign in as {user}" }).ClickAsync();
        await page.WaitForURLAsync(QueueUrl());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your queue", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("header .who strong")).ToHaveTextAsync(user);
        return page;
    }

    /// <summary>The demo's pending cases, by the tier they need (both lists non-empty, or the seeding went wrong).</summary>
    private async Task<(IReadOnlyList<CaseRecord> Junior, IReadOnlyList<CaseRecord> Senior)> PendingByTierAsync()
    {
        var page = await _app.Gate.Cases.QueryAsync(new CaseQuery { States = [CaseState.Pending], Limit = 100 });
        var junior = page.Cases.Where(c => c.RequiredTier == "junior").ToList();
        var senior = page.Cases.Where(c => c.RequiredTier == "senior").ToList();
        Assert.Equal(4, junior.Count);
        Assert.Equal(2, senior.Count);
        Assert.Equal(page.Cases.Count, junior.Count + senior.Count);
        return (junior, senior);
    }

    private async Task<CaseRecord> PendingAsync(string actionType, string? tier = null)
    {
        var page = await _app.Gate.Cases.QueryAsync(new CaseQuery { States = [CaseState.Pending], ActionType = actionType, Limit = 100 });
        return page.Cases.First(c => tier is null || c.RequiredTier == tier);
    }

    private static ILocator Row(IPage page, string id) => page.Locator($"tr[data-case='{id}']");

    private static async Task<IReadOnlyList<string>> QueueIdsAsync(IPage page) =>
        (await page.Locator("tr[data-case]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.case)")).Order(StringComparer.Ordinal).ToList();

    private static string CasePath(string id) => "/review/cases/" + Uri.EscapeDataString(id);

    private Regex QueueUrl() => new("^" + Regex.Escape(new Uri(_address, "/review").ToString()) + "/?(\\?.*)?$");

    /// <summary>Every visible input, select and textarea of the page has a label; at least <paramref name="atLeast"/> were checked.</summary>
    private static async Task AssertLabelledAsync(IPage page, string where, int atLeast)
    {
        var found = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
            () => {
              const controls = [...document.querySelectorAll('input, select, textarea')]
                .filter(e => e.type !== 'hidden' && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
              return {
                checked: controls.length,
                unlabelled: controls.filter(e => e.labels.length === 0 || [...e.labels].every(l => l.textContent.trim() === '')).map(e => e.outerHTML),
              };
            }
            """);
        var unlabelled = found.GetProperty("unlabelled").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.True(unlabelled.Count == 0, $"Controls without a label on {where}: {string.Join(", ", unlabelled)}");
        var count = found.GetProperty("checked").GetInt32();
        Assert.True(count >= atLeast, string.Create(CultureInfo.InvariantCulture, $"Only {count} visible controls on {where}; expected at least {atLeast}."));
    }

    private static async Task AssertScreenshotAsync(IPage page, string path)
    {
        var bytes = await page.ScreenshotAsync(new() { Path = path, FullPage = true, Type = ScreenshotType.Png });
        Assert.Equal(PngSignature, bytes.Take(PngSignature.Length));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path));

        // A full-page shot is the viewport's width and at least its height (bytes 16 to 24 of the IHDR chunk).
        var width = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
        var height = (bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23];
        Assert.Equal(1280, width);
        Assert.InRange(height, 900, 20_000);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hitl.Policy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Hitl.Policy.sln above {AppContext.BaseDirectory}.");
    }
}
