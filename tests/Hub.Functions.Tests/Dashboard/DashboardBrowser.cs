using Hub.Testing;
using Microsoft.Playwright;

namespace Hub.Functions.Tests.Dashboard;

/// <summary>
/// Debian's Chromium driven by Playwright, one per test class (<c>IClassFixture&lt;DashboardBrowser&gt;</c>): pages at
/// 1280 px, sign-in with an API key, and the screenshots docs/dashboard.md shows, each page at 1280 and 390 px wide,
/// written to artifacts/screenshots and, with HUB_SCREENSHOTS=docs, to docs/images/dashboard (then committed).
/// </summary>
public sealed class DashboardBrowser : IAsyncLifetime
{
    public const int Wide = 1280;

    public const int Narrow = 390;

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // Root in a container has no user namespace for Chromium's sandbox.
            Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>A page in a context of its own (its own cookies), 1280 px wide.</summary>
    public async Task<IPage> NewPageAsync()
    {
        IBrowserContext context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = Wide, Height = 800 } });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in with <paramref name="key"/> through the form and lands on <paramref name="path"/>.</summary>
    public async Task<IPage> SignInAsync(Uri hub, string key, string path = "/")
    {
        IPage page = await NewPageAsync();
        await page.GotoAsync(Url(hub, path));
        await page.FillAsync("#key", key);
        await page.ClickAsync("form[action='/sign-in'] button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/sign-in", StringComparison.Ordinal));
        return page;
    }

    /// <summary>The address of <paramref name="path"/> on the hub at <paramref name="hub"/> (its client's base address).</summary>
    public static string Url(Uri hub, string path) => new Uri(hub, path).AbsoluteUri;

    /// <summary>Full-page screenshots of <paramref name="page"/> at 1280 and 390 px, named <c>{name}-1280.png</c>, <c>{name}-390.png</c>.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        string root = Azurite.RepositoryRoot();
        var folders = new List<string> { Path.Combine(root, "artifacts", "screenshots") };
        if (Environment.GetEnvironmentVariable("HUB_SCREENSHOTS") == "docs")
        {
            folders.Add(Path.Combine(root, "docs", "images", "dashboard"));
        }

        foreach (int width in new[] { Wide, Narrow })
        {
            await page.SetViewportSizeAsync(width, 800);
            byte[] png = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Animations = ScreenshotAnimations.Disabled });
            // Readable at the width: nothing sticks out sideways beyond the boxes that scroll on purpose.
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{name} is wider than {width} px");
            foreach (string folder in folders)
            {
                Directory.CreateDirectory(folder);
                await File.WriteAllBytesAsync(Path.Combine(folder, $"{name}-{width}.png"), png);
            }
        }

        await page.SetViewportSizeAsync(Wide, 800);
    }
}
