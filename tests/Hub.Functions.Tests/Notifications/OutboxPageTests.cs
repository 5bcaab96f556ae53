using System.Net;
using Hub.Functions.Tests.Support;
using Hub.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Notifications;

/// <summary>GET /api/outbox: the development mail outbox as JSON (the dashboard page at /outbox is Dashboard/OutboxPageTests).</summary>
public sealed class OutboxPageTests
{
    [Fact]
    public async Task Outbox_AfterATicketMail_ListsItAsJsonForARoleAndRefusesAnonymous()
    {
        await using TestHub hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub__ApiKeys__test-operator"] = "operator:operator-key-0123456789abcdef" });
        await PlaybookConfig.SendAsync(hub, HttpMethod.Post, "/api/tickets", "operator-key-0123456789abcdef", new
        {
            queue = "Customer-Support", subject = "Printer <on fire>", body = "Smoke.", requestors = new[] { "jane@example.com" },
        });

        HttpResponseMessage page = await PlaybookConfig.SendAsync(hub, HttpMethod.Get, "/api/outbox", "operator-key-0123456789abcdef");
        HttpResponseMessage anonymous = await hub.Client.GetAsync(new Uri("/api/outbox", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("application/json", page.Content.Headers.ContentType?.MediaType);
        using var list = System.Text.Json.JsonDocument.Parse(await page.Content.ReadAsStringAsync());
        System.Text.Json.JsonElement item = Assert.Single(list.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("[hub #1] Printer <on fire>", item.GetProperty("subject").GetString());
        Assert.Equal(["jane@example.com"], item.GetProperty("to").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("queued", item.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}

/// <summary>GET /api/outbox?limit=: only the newest mails are read.</summary>
public sealed class OutboxLimitTests
{
    [Fact]
    public async Task Outbox_Limit_DownloadsOnlyTheNewestBlobs()
    {
        await using TestHub hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub__ApiKeys__test-operator"] = "operator:operator-key-0123456789abcdef" });
        var outbox = hub.App.Services.GetRequiredService<Hub.Functions.Notifications.BlobMailOutbox>();
        await hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableStorage>().EnsureAsync(CancellationToken.None);
        // An old blob that is not a mail at all: reading it would fail the page, so it must not be read.
        var old = outbox.Container.GetBlobClient("aaa-old.json");
        await old.UploadIfAbsentAsync(BinaryData.FromString("not json"), "application/json", CancellationToken.None);
        // Blob times have one-second resolution: the mails below must be written in a later second than this blob.
        DateTimeOffset written = (await old.GetPropertiesAsync()).Value.LastModified;
        await HubState.WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow >= written.AddSeconds(1)));
        for (int i = 0; i < 2; i++)
        {
            HttpResponseMessage created = await PlaybookConfig.SendAsync(hub, HttpMethod.Post, "/api/tickets", "operator-key-0123456789abcdef", new
            {
                queue = "Customer-Support", subject = $"Question {i}", body = "?", requestors = new[] { "jane@example.com" },
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/outbox?limit=2");
        request.Headers.Add("X-Api-Key", "operator-key-0123456789abcdef");
        HttpResponseMessage response = await hub.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var list = System.Text.Json.JsonDocument.Parse(text);
        string[] subjects = [.. list.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("subject").GetString()!).Order(StringComparer.Ordinal)];
        Assert.Equal(["[hub #1] Question 0", "[hub #2] Question 1"], subjects);
    }
}

/// <summary>GET /api/outbox?limit=abc: a limit that is not a number is the caller's mistake.</summary>
public sealed class OutboxBadLimitTests
{
    [Fact]
    public async Task Outbox_LimitNotANumber_Answers400ProblemNamingIt()
    {
        await using TestHub hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["Hub__ApiKeys__test-operator"] = "operator:operator-key-0123456789abcdef" });

        HttpResponseMessage response = await PlaybookConfig.SendAsync(hub, HttpMethod.Get, "/api/outbox?limit=abc", "operator-key-0123456789abcdef");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("limit: must be a whole number, not 'abc'.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>The email settings: listed in the sample, validated at start.</summary>
public sealed class EmailSettingsTests
{
    [Fact]
    public void Sample_LocalSettings_ListsEveryEmailSetting()
    {
        using var sample = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Hub.Testing.Azurite.RepositoryRoot(), "local.settings.sample.json")));
        System.Text.Json.JsonElement values = sample.RootElement.GetProperty("Values");

        Assert.All(
            typeof(Hub.Functions.Notifications.EmailOptions).GetProperties().Select(p => "Hub__Email__" + p.Name),
            name => Assert.True(values.TryGetProperty(name, out _), $"{name} is missing from local.settings.sample.json"));
        Assert.Equal("outbox", values.GetProperty("Hub__Email__Sender").GetString());
    }

    [Theory]
    [InlineData("sendgrid", "Hub__Email__SendGridApiKey is required when Hub__Email__Sender is sendgrid.")]
    [InlineData("smtp", "Hub__Email__SmtpHost is required when Hub__Email__Sender is smtp.")]
    [InlineData("pigeon", "Hub__Email__Sender 'pigeon' must be outbox, sendgrid or smtp.")]
    public async Task Build_SenderWithoutItsSettings_IsRefusedNamingTheSetting(string sender, string expected)
    {
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?> { ["Hub__Email__Sender"] = sender });

        var error = Assert.Throws<Hub.Functions.Hosting.HubStartupException>(() => Hub.Standalone.HubStandalone.Build(new Hub.Functions.Hosting.HubLaunchOptions { Settings = settings }));

        Assert.Equal("Invalid settings: " + expected, error.Message);
    }
}
