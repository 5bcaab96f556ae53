using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Connectors;
using Hub.Domain.Security;
using Hub.Functions.Connectors;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Hub.Functions.Tests.Connectors;

/// <summary>
/// The signed webhook connector against a receiver on real Kestrel that checks signatures the way the Standard
/// Webhooks spec says (computed here independently of the hub's code) and drops repeated webhook-ids.
/// </summary>
public sealed class WebhookConnectorTests : IAsyncLifetime
{
    private const string SecretSetting = "Hub__Connectors__TicketsWebhookSecret";
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Key);

    private readonly ConcurrentQueue<(string Id, JsonElement Body)> _accepted = new();
    private readonly ConcurrentQueue<int> _failures = new();
    private WebApplication _receiver = null!;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        string url = $"http://127.0.0.1:{Azurite.FreePort().ToString(CultureInfo.InvariantCulture)}";
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _receiver = builder.Build();
        _receiver.Run(ReceiveAsync);
        await _receiver.StartAsync();
        _url = new Uri(url + "/hub-events");
    }

    public async Task DisposeAsync()
    {
        await _receiver.StopAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Create_PostsASignedEventAndReturnsTheReceiversId()
    {
        string id = await Connector(Secret).SendAsync(
            new ConnectorCall("tickets-webhook", ConnectorCall.Create, Queue: "Team-A", Subject: "[hub #5] Outage", Text: "Details",
                CustomFields: new Dictionary<string, string> { ["Team"] = "A" }, LinkBackUrl: "https://hub.example.org/api/tickets/5"),
            "incident~5/outbox-1",
            CancellationToken.None);

        (string webhookId, JsonElement body) = Assert.Single(_accepted);
        Assert.Equal("T-1", id);
        Assert.Equal("incident~5/outbox-1", webhookId);
        Assert.Equal("ticket.create", body.GetProperty("type").GetString());
        Assert.Equal("incident~5/outbox-1", body.GetProperty("callId").GetString());
        Assert.Equal(("Team-A", "[hub #5] Outage", "Details"), (body.GetProperty("queue").GetString(), body.GetProperty("subject").GetString(), body.GetProperty("text").GetString()));
        Assert.Equal("A", body.GetProperty("customFields").GetProperty("Team").GetString());
        Assert.Equal("https://hub.example.org/api/tickets/5", body.GetProperty("linkBackUrl").GetString());
    }

    [Fact]
    public async Task Update_RetriedAfterA503_KeepsItsWebhookIdSoTheReceiverSeesOneEvent()
    {
        _failures.Enqueue(503);

        string id = await Connector(Secret).SendAsync(new ConnectorCall("tickets-webhook", ConnectorCall.Update, ExternalId: "T-9", Status: "resolved"), "release~2/outbox-7", CancellationToken.None);

        Assert.Equal("T-9", id);
        (string webhookId, JsonElement body) = Assert.Single(_accepted);
        Assert.Equal(("release~2/outbox-7", "ticket.update", "T-9", "resolved"),
            (webhookId, body.GetProperty("type").GetString(), body.GetProperty("externalId").GetString(), body.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Send_WrongSecret_IsRefusedByTheReceiverAndFailsTransiently_UntilTheSecretIsFixed()
    {
        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector("whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)))
                .SendAsync(new ConnectorCall("tickets-webhook", ConnectorCall.CommentOperation, ExternalId: "T-1", Text: "x"), "c-1", CancellationToken.None));

        Assert.Equal((true, 401), (error.Transient, error.Status));
        Assert.Empty(_accepted);
    }

    [Fact]
    public async Task Send_SecretSettingNotAStandardWebhooksSecret_FailsTransientlyNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector("not base64 at all!", maxRetries: 0).SendAsync(new ConnectorCall("tickets-webhook", ConnectorCall.CommentOperation, ExternalId: "T-1", Text: "x"), "c-2", CancellationToken.None));

        Assert.True(error.Transient);
        Assert.Contains(SecretSetting, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not base64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_AnsweredWithoutAnId_FailsPermanently()
    {
        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector(Secret).SendAsync(new ConnectorCall("tickets-webhook", ConnectorCall.Create, Subject: "no-id please"), "c-3", CancellationToken.None));

        Assert.False(error.Transient);
        Assert.Contains("without an id", error.Message, StringComparison.Ordinal);
    }

    private ITicketSystemConnector Connector(string secret, int maxRetries = 2)
    {
        var definition = new ConnectorDefinition("tickets-webhook", ConnectorType.Webhook, _url, SecretSetting, TimeSpan.FromSeconds(10), maxRetries);
        var connectors = new TicketSystemConnectors(RtConnectorTests.Config(definition), RtConnectorTests.Settings(secret, SecretSetting), RtConnectorTests.Clients(), TimeProvider.System)
        {
            RetryDelay = TimeSpan.FromMilliseconds(10),
        };
        return connectors.Find("tickets-webhook")!;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        byte[] body = buffer.ToArray();
        string id = context.Request.Headers["webhook-id"].ToString();
        string timestamp = context.Request.Headers["webhook-timestamp"].ToString();
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        string expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key, signed));
        bool fresh = long.TryParse(timestamp, CultureInfo.InvariantCulture, out long sent) && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - sent) <= 300;
        if (!fresh || !context.Request.Headers["webhook-signature"].ToString().Split(' ').Contains(expected))
        {
            context.Response.StatusCode = 401;
            return;
        }

        if (_failures.TryDequeue(out int status))
        {
            context.Response.StatusCode = status;
            return;
        }

        using JsonDocument json = JsonDocument.Parse(body);
        if (!_accepted.Any(a => a.Id == id))
        {
            _accepted.Enqueue((id, json.RootElement.Clone()));
        }

        bool create = json.RootElement.GetProperty("type").GetString() == "ticket.create";
        bool withId = !json.RootElement.TryGetProperty("subject", out JsonElement subject) || subject.GetString() != "no-id please";
        string? ticketId = create && withId ? "T-" + _accepted.Count.ToString(CultureInfo.InvariantCulture) : null;
        await context.Response.WriteAsJsonAsync(new { id = ticketId });
    }
}
