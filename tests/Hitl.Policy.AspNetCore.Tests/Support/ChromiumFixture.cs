using Microsoft.Playwright;

namespace Hitl.Policy.AspNetCore.Tests.Support;

/// <summary>
/// A real Chromium, headless, driven by Playwright: the Debian <c>chromium</c> package (Playwright's own browser
/// download is not used). <c>HITL_CHROMIUM</c> names another executable. A missing browser fails the tests with what to
/// install; it never skips them.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("HITL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at '{ExecutablePath}': install the Debian package (apt-get install -y chromium), or set HITL_CHROMIUM to a Chromium executable. .ci/run installs it when it is missing.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition("chromium")]
public sealed class ChromiumTests : ICollectionFixture<ChromiumFixture>;
