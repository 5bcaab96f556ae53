using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Domain.Releases;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Releases;
using Hub.Functions.Tests.Support;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Releases;

/// <summary>Keys per release team, release.xml builders and readers of what a test hub stored.</summary>
internal static class ReleaseKit
{
    public const string ProviderKey = "provider-key-0123456789abcdef";
    public const string QcKey = "qc-team-key-0123456789abcdef";
    public const string SrKey = "sr-team-key-0123456789abcdef";
    public const string AdminKey = "rel-admin-key-0123456789abcdef";
    public const string ReaderKey = "rel-reader-key-0123456789abcdef";
    public const string EarlyAdopterKey = "ea-ibergrid-key-0123456789abcdef";

    public static Task<TestHub> StartAsync(IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hub__ApiKeys__provider"] = $"integrator:{ProviderKey}",
            // The shipped configuration names these callers as the QC and SR teams.
            ["Hub__ApiKeys__sw-rel-qc-team"] = $"operator:{QcKey}",
            ["Hub__ApiKeys__sw-rel-sr-team"] = $"operator:{SrKey}",
            ["Hub__ApiKeys__ea-ibergrid"] = $"developer:{EarlyAdopterKey}",
            ["Hub__ApiKeys__rel-admin"] = $"app-admin:{AdminKey}",
            ["Hub__ApiKeys__rel-reader"] = $"logs-reader:{ReaderKey}",
        };
        foreach ((string key, string? value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        if (!settings.ContainsKey("Hub__Config"))
        {
            settings["Hub__Config"] = ConfigPath(ConfigText());
        }

        return TestHub.StartAsync(settings, services);
    }

    /// <summary>
    /// The shipped hub.yaml with <c>releases.fetch.allowedHosts: [127.0.0.1]</c>: the tests' Sync-URL servers listen on
    /// loopback, which the hub refuses to fetch from unless the host is listed.
    /// </summary>
    public static string ConfigText()
    {
        string config = File.ReadAllText(Path.Combine(Hub.Testing.Azurite.RepositoryRoot(), "config", "hub.yaml"));
        string allowed = config.Replace("allowedHosts: []", "allowedHosts: [127.0.0.1]", StringComparison.Ordinal);
        Assert.NotEqual(config, allowed);
        return allowed;
    }

    /// <summary>Writes <paramref name="config"/> to a fresh temporary file and returns its path.</summary>
    public static string ConfigPath(string config)
    {
        string path = Path.Combine(Path.GetTempPath(), $"hub-release-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, config);
        return path;
    }

    public static string Sha(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>A valid release.xml listing <paramref name="packages"/> (path -> content).</summary>
    public static string Xml(string version, string major, IReadOnlyDictionary<string, byte[]> packages, string type = "Incremental", string dist = "foo", string? shaOverride = null)
    {
        var xml = new StringBuilder();
        xml.Append($"""
            <?xml version="1.0" encoding="utf-8"?>
            <Release>
              <Name>Foo {version}</Name>
              <Version>{version}</Version>
              <DistributionShortName>{dist}</DistributionShortName>
              <AssociatedMajorRelease>{major}</AssociatedMajorRelease>
              <ReleaseType>{type}</ReleaseType>
              <Targets><Target>sl6/x86_64</Target></Targets>
              <SoftwareComponents>
                <SoftwareComponent name="foo-server">

            """);
        foreach ((string path, byte[] content) in packages)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            xml.Append($"""      <Package name="{name}" version="{version}-1" arch="x86_64" size="{content.Length}" sha256="{shaOverride ?? Sha(content)}" path="{path}"/>""").Append('\n');
        }

        xml.Append("""
                </SoftwareComponent>
              </SoftwareComponents>
            </Release>
            """);
        return xml.ToString();
    }

    public static async Task<HttpResponseMessage> SendAsync(TestHub hub, HttpMethod method, string path, string? key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (body is string text)
        {
            request.Content = new StringContent(text, Encoding.UTF8, "application/xml");
        }
        else if (body is byte[] bytes)
        {
            request.Content = new ByteArrayContent(bytes);
            // A refusal by Content-Length then arrives before the body is sent, as a well-behaved uploader expects.
            request.Headers.ExpectContinue = true;
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        HttpResponseMessage response = await hub.Client.SendAsync(request);
        // The hub answers once the request's commit is stored; its effects (mails, moves, commands to other
        // aggregates) run after that. Assertions are about both.
        await HubState.WaitForEffectsAsync(hub);
        return response;
    }

    public static async Task<long> CreateAsync(TestHub hub, Uri? syncUrl, bool emergency = false, string title = "Foo")
    {
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, new
        {
            title, provider = "provider@vendor.example", emergency, syncProtocol = syncUrl is null ? null : "http", syncUrl = syncUrl?.ToString(),
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("number").GetInt64();
    }

    public static async Task MoveAsync(TestHub hub, long id, string to, string key, bool overrideFlag = false)
    {
        HttpResponseMessage moved = await SendAsync(hub, HttpMethod.Post, $"/api/releases/{id}/transitions", key, new { to, @override = overrideFlag });
        Assert.True(moved.IsSuccessStatusCode, $"{to}: {await moved.Content.ReadAsStringAsync()}");
    }

    public static async Task<ReleaseState> ReleaseAsync(TestHub hub, long id) =>
        (await hub.App.Services.GetRequiredService<AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent>>().GetAsync(ReleaseDecider.IdOf(id)))!.State;

    public static async Task<TicketState> TicketAsync(TestHub hub, long id) =>
        (await hub.App.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>().GetAsync(ReleaseDecider.IdOf(id)))!.State;

    public static async Task<IReadOnlyList<EventRecord>> TicketHistoryAsync(TestHub hub, long id) =>
        (await hub.App.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>().HistoryAsync(ReleaseDecider.IdOf(id))).Events;

    /// <summary>The blob names under <paramref name="prefix"/> in the hub's repository container.</summary>
    public static async Task<IReadOnlyList<string>> BlobsAsync(TestHub hub, string prefix)
    {
        BlobContainerClient container = hub.App.Services.GetRequiredService<ReleaseRepository>().Container;
        var names = new List<string>();
        await foreach (BlobItem item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            names.Add(item.Name);
        }

        return names;
    }

    /// <summary>Every notification in the mail outbox about release <paramref name="id"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<JsonElement>> MailsAsync(TestHub hub, long id)
    {
        var names = hub.App.Services.GetRequiredService<DurableNames>();
        var outbox = (await Hub.Testing.Azurite.SharedAsync()).Account().GetBlobContainerClient(names.OutboxContainer);
        var mails = new List<(DateTimeOffset At, string Id, JsonElement Mail)>();
        await foreach (BlobItem blob in outbox.GetBlobsAsync())
        {
            using JsonDocument doc = JsonDocument.Parse((await outbox.GetBlobClient(blob.Name).DownloadContentOrDefaultAsync())!.ToString());
            JsonElement mail = doc.RootElement.GetProperty("mail").Clone();
            if (mail.GetProperty("number").GetInt64() == id)
            {
                mails.Add((doc.RootElement.GetProperty("queuedAt").GetDateTimeOffset(), doc.RootElement.GetProperty("id").GetString()!, mail));
            }
        }

        // The idempotency key carries the outbox row's sequence: the order the release decided them in.
        return [.. mails.OrderBy(m => m.Id, StringComparer.Ordinal).Select(m => m.Mail)];
    }

    public static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
