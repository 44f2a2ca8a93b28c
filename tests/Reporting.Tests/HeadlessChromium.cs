using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright through its executable path (Playwright never downloads a
/// browser here). One browser serves the whole collection. A machine without /usr/bin/chromium fails these tests
/// with the command that installs it; they are never skipped.
/// </summary>
public sealed class HeadlessChromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: the report tests open report.html in Debian's Chromium. Install it with `apt-get install -y chromium` (.ci/run does).");
        }
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
    }

    /// <summary>
    /// Opens a page from disk and waits for it to load. Every request that is not for a local file is aborted and
    /// recorded, so a test can assert that the page needs no server and no network.
    /// </summary>
    public async Task<OpenedPage> OpenAsync(string path)
    {
        var page = await (_browser ?? throw new InvalidOperationException("the browser was not started")).NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var external = new List<string>();
        await page.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith("file:", StringComparison.Ordinal))
            {
                await route.ContinueAsync();
            }
            else
            {
                lock (external)
                {
                    external.Add(route.Request.Url);
                }
                await route.AbortAsync();
            }
        });
        await page.GotoAsync(new Uri(path).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        return new OpenedPage(page, external);
    }
}

/// <summary>A loaded page and the non-file requests it tried to make.</summary>
public sealed record OpenedPage(IPage Page, IReadOnlyList<string> ExternalRequests) : IAsyncDisposable
{
    /// <summary>Every &lt;img&gt; as the browser sees it after load: its figure file, whether it finished loading and its decoded size.</summary>
    public async Task<IReadOnlyList<LoadedImage>> ImagesAsync()
    {
        var json = await Page.EvaluateAsync<string>(
            "() => JSON.stringify(Array.from(document.images).map(i => ({ file: i.dataset.file, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight })))");
        return JsonSerializer.Deserialize<List<LoadedImage>>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true }) ?? [];
    }

    /// <summary>The text of the element matched by <paramref name="selector"/>, trimmed; fails if there is none.</summary>
    public async Task<string> TextAsync(string selector) =>
        (await Page.Locator(selector).TextContentAsync())?.Trim() ?? throw new Xunit.Sdk.XunitException($"no element matches {selector}");

    public async ValueTask DisposeAsync() => await Page.CloseAsync();
}

public sealed record LoadedImage(string File, bool Complete, int Width, int Height);

[CollectionDefinition(Name)]
public sealed class ChromiumCollection : ICollectionFixture<HeadlessChromium>
{
    public const string Name = "headless chromium";
}
