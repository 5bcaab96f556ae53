using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hub.Functions.Durable;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Hub.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Hub.Functions.Tests.Support.PlaybookConfig;
using static Microsoft.Playwright.Assertions;

namespace Hub.Functions.Tests.Dashboard;

/// <summary>
/// The outbox and failures page in a real browser (issue #15): an incident's page mail is listed; a command whose
/// payload blob is missing fails every try and is poisoned; an effect that always fails is given up and its retry
/// orchestration fails. An operator sees them all and no button (and a forged replay is refused); the app-admin replays
/// the poison message once its payload is back, which then applies, and restarts the failed orchestration.
/// </summary>
public sealed partial class OutboxPageTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>
{
    private const string AdminKey = "outbox-admin-key-0123456789abcdef";

    [Fact]
    public async Task Outbox_ListsMailAndFailures_AdminReplaysAndRestarts_OperatorSeesNoButton()
    {
        Dictionary<string, string?> settings = Settings(Write(ackWithin: "10m"));
        settings["Hub__ApiKeys__outbox-admin"] = $"app-admin:{AdminKey}";
        // The repository's host.json (its own task hub), trying a work message three times at once; a failing effect
        // given up after three seconds.
        JsonNode host = JsonNode.Parse(File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "host.json")))!;
        host["extensions"]!["queues"]!["maxDequeueCount"] = 3;
        host["extensions"]!["queues"]!["visibilityTimeout"] = "00:00:00";
        settings["Hub__FunctionsRoot"] = TestAppRoot.Create(host.ToJsonString());
        settings["Hub__EffectGiveUpAfter"] = "00:00:03";
        await using TestHub hub = await TestHub.StartAsync(settings, services =>
        {
            services.AddAggregate<CounterState, CounterCommand, CounterEvent, CounterDecider>();
            services.AddSingleton<ISideEffectHandler>(new BrokenEffect());
        });
        Uri at = hub.Client.BaseAddress!;
        WorkQueue work = hub.App.Services.GetRequiredService<WorkQueue>();
        PoisonStore poison = hub.App.Services.GetRequiredService<PoisonStore>();
        DurableTaskClient client = hub.App.Services.GetRequiredService<DurableTaskClient>();
        var counter = hub.App.Services.GetRequiredService<AggregateProcessor<CounterState, CounterCommand, CounterEvent>>();
        // The work queue is there before the test writes to it (the hub makes its storage on its first use).
        await hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableStorage>().EnsureAsync(CancellationToken.None);

        // A poison message: its payload blob is missing, so every try fails.
        await work.Queue.SendMessageAsync(WorkQueue.Serialize(new WorkMessage("lost-payload", WorkMessage.CommandKind, "counter", "p1", PayloadBlob: "work/lost-payload")));
        // A failed effect and a failed orchestration: the effect always throws, and so does its give-up.
        await work.Queue.SendMessageAsync(WorkQueue.Serialize(new WorkMessage("notify-1", WorkMessage.CommandKind, "counter", "p2", """{"type":"notify","text":"hello"}""")));
        // Mail: the incident pages alice (listed by the JSON API too).
        using (var open = new HttpRequestMessage(HttpMethod.Post, "/api/incidents") { Content = JsonContent.Create(new { subject = "Ledger <down>", service = "ledger" }) })
        {
            open.Headers.Add("X-Api-Key", OperatorKey);
            Assert.Equal(HttpStatusCode.Created, (await hub.Client.SendAsync(open)).StatusCode);
        }

        await HubState.WaitUntilAsync(async () =>
        {
            using var list = new HttpRequestMessage(HttpMethod.Get, "/api/outbox");
            list.Headers.Add("X-Api-Key", ReaderKey);
            using JsonDocument mails = JsonDocument.Parse(await (await hub.Client.SendAsync(list)).Content.ReadAsStringAsync());
            return mails.RootElement.GetProperty("items").EnumerateArray().Any(m => m.GetProperty("kind").GetString() == "incident-page");
        });
        await HubState.WaitUntilAsync(async () => (await poison.ListAsync()).Items.Count == 1);
        OrchestrationMetadata? failed = null;
        await HubState.WaitUntilAsync(async () =>
        {
            await foreach (OrchestrationMetadata o in client.GetAllInstancesAsync(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Failed] }))
            {
                failed = o;
            }

            return failed is not null;
        });

        // An operator sees every list and no button; a replay posted with the operator's token is refused.
        IPage operatorPage = await browser.SignInAsync(at, OperatorKey, "/outbox");
        Assert.EndsWith("/outbox", operatorPage.Url, StringComparison.Ordinal);
        ILocator mail = operatorPage.Locator("#mail tr[data-mail]", new() { HasText = "incident-page" });
        await Expect(mail).ToHaveCountAsync(1);
        Assert.Equal("alice@example.org", await mail.Locator("td.to").InnerTextAsync());
        StringAssert(await mail.Locator("td.subject summary").InnerTextAsync(), "Ledger <down>");
        Assert.Equal("queued", await mail.Locator("td.status").InnerTextAsync());
        await Expect(operatorPage.Locator("#poison tr[data-poison='lost-payload']")).ToContainTextAsync("refers to payload blob work/lost-payload, which is missing");
        ILocator effect = operatorPage.Locator("#effects tr[data-effect^='counter:p2/']");
        await Expect(effect).ToContainTextAsync("test.notify");
        await Expect(effect).ToContainTextAsync("the notifier is down");
        await Expect(operatorPage.Locator($"#orchestrations tr[data-instance='{failed!.InstanceId}']")).ToContainTextAsync("Effects_Retry");
        Assert.Empty(await operatorPage.QuerySelectorAllAsync("main form"));
        string token = (await operatorPage.GetAttributeAsync("header input[name=__csrf]", "value"))!;
        IAPIResponse forged = await operatorPage.APIRequest.PostAsync(
            DashboardBrowser.Url(at, "/outbox/poison/lost-payload/replay"),
            new APIRequestContextOptions { Form = operatorPage.APIRequest.CreateFormData().Set("__csrf", token), MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.Forbidden, forged.Status);
        Assert.Single((await poison.ListAsync()).Items);

        // The app-admin sees the buttons.
        IPage page = await browser.SignInAsync(at, AdminKey, "/outbox");
        ILocator poisoned = page.Locator("#poison tr[data-poison='lost-payload']");
        Assert.Equal("3", await poisoned.Locator("td").Nth(2).InnerTextAsync());
        await DashboardBrowser.ScreenshotAsync(page, "outbox");
        // Without the anti-forgery token even the app-admin's restart is refused.
        IAPIResponse noToken = await page.APIRequest.PostAsync(
            DashboardBrowser.Url(at, $"/outbox/orchestrations/{Uri.EscapeDataString(failed.InstanceId)}/restart"),
            new APIRequestContextOptions { Form = page.APIRequest.CreateFormData(), MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.Forbidden, noToken.Status);

        // The payload is back: the replay applies the command, and the message leaves the list.
        var names = hub.App.Services.GetRequiredService<DurableNames>();
        await (await Azurite.SharedAsync()).Account().GetBlobContainerClient(names.SpillContainer)
            .GetBlobClient("work/lost-payload").UploadAsync(BinaryData.FromString("""{"type":"increment","by":7}"""));
        await poisoned.GetByRole(AriaRole.Button, new() { Name = "Replay lost-payload" }).ClickAsync();
        await Expect(page.Locator("[role=status]")).ToHaveTextAsync("Poison message lost-payload replayed: it is back on the work queue.");
        await Expect(poisoned).ToHaveCountAsync(0);
        Assert.Equal("No poison messages.", await page.Locator("#poison").InnerTextAsync());
        await HubState.WaitUntilAsync(async () => await counter.GetAsync("p1") is not null);
        Assert.Equal(7, (await counter.GetAsync("p1"))!.State.Count);

        // The failed retry orchestration starts again under a new id, with its input.
        await page.Locator($"#orchestrations tr[data-instance='{failed.InstanceId}']")
            .GetByRole(AriaRole.Button, new() { Name = $"Restart {failed.InstanceId}" }).ClickAsync();
        ILocator notice = page.Locator("[role=status]");
        await Expect(notice).ToHaveTextAsync(RestartedNotice());
        string restarted = RestartedNotice().Match(await notice.InnerTextAsync()).Groups["id"].Value;
        OrchestrationMetadata? copy = await client.GetInstanceAsync(restarted);
        Assert.Equal(failed.Name, copy?.Name);
    }

    [GeneratedRegex(@"^Orchestration \S+ restarted as (?<id>[0-9a-f]{32})\.$")]
    private static partial Regex RestartedNotice();

    private static void StringAssert(string actual, string expected) => Assert.Contains(expected, actual, StringComparison.Ordinal);

    /// <summary>An effect that always fails, and whose give-up fails too: its retry orchestration ends Failed.</summary>
    private sealed class BrokenEffect : ISideEffectHandler
    {
        public string Kind => CounterDecider.NotifyEffect;

        public Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the notifier is down");

        public Task GiveUpAsync(SideEffectContext context, string error, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("nobody to tell");
    }
}
