using Hitl.Policy.AspNetCore.Tests.Support;

namespace Hitl.Policy.AspNetCore.Tests;

[Collection("chromium")]
public sealed class BrowserSmokeTests(ChromiumFixture chromium)
{
    [Fact]
    public async Task The_browser_opens_the_sign_in_page()
    {
        using var app = new InboxApp();
        var address = app.StartKestrel();
        await using var context = await chromium.Browser.NewContextAsync(new() { BaseURL = address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        Assert.Equal("Demo sign-in", await page.TitleAsync());
    }
}
