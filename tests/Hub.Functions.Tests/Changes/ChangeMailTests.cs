using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Domain.Tickets;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Microsoft.Extensions.DependencyInjection;
using static Hub.Functions.Tests.Support.HubState;

namespace Hub.Functions.Tests.Changes;

/// <summary>
/// Deployment requests by mail on a real hub (docs/mail.md, docs/changes.md): a mail to map-support@ that the
/// deployment-requests rule classifies opens its ticket in ProductionDeploy and a change on that ticket's number; a
/// request the hub cannot open a change from keeps its ticket, which gets an internal comment naming what was missing.
/// </summary>
public sealed class ChangeMailTests
{
    private const string Credentials = "sendgrid:parse-secret-0123456789";

    // base64("sendgrid:parse-secret-0123456789"), computed by hand rather than by the code under test.
    private const string BasicAuth = "c2VuZGdyaWQ6cGFyc2Utc2VjcmV0LTAxMjM0NTY3ODk=";

    private const string OperatorKey = "operator-key-0123456789abcdef";

    private const string ReaderKey = "reader-key-0123456789abcdef";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Mail_DeploymentRequestToMapSupport_OpensTheChangeOnItsProductionDeployTicket()
    {
        await using TestHub hub = await StartAsync();
        HttpResponseMessage stored = await SendAsync(hub, HttpMethod.Put, "/api/catalog/services/portal", OperatorKey, Portal());

        HttpResponseMessage posted = await PostMailAsync(hub, "Deployment request: portal 2.4.1",
            "Please deploy the search rewrite.\nService: portal\nTier: DEV\nVersion: 2.4.1\nKind: enhancement\n");
        JsonElement item = await WaitForChangeAsync(hub, TimeSpan.FromSeconds(30));
        await WaitForIdleAsync(hub);

        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        long ticket = Assert.Single(await TicketNumbersAsync(hub));
        Assert.Equal(
            (ticket, "portal", "2.4.1", "Enhancement", "AwaitingPipeline", false, "Deployment request: portal 2.4.1"),
            (item.GetProperty("number").GetInt64(), item.GetProperty("service").GetString(), item.GetProperty("version").GetString(),
                item.GetProperty("kind").GetString(), item.GetProperty("state").GetString(), item.GetProperty("emergency").GetBoolean(),
                item.GetProperty("summary").GetString()));
        TicketState state = (await Tickets(hub).GetAsync(ticket.ToString(CultureInfo.InvariantCulture)))!.State;
        Assert.Equal(("ProductionDeploy", "portal", "DEV"), (state.Queue, state.CustomFields["Service"], state.CustomFields["Tier"]));
        using JsonDocument change = JsonDocument.Parse(await (await SendAsync(hub, HttpMethod.Get, $"/api/changes/{ticket}", ReaderKey)).Content.ReadAsStringAsync());
        Assert.Equal("dev@partner.example.com", change.RootElement.GetProperty("change").GetProperty("requester").GetString());
        // The change used the intake's ticket: one ticket, created once, and no comment on it.
        Assert.DoesNotContain(await HistoryTypesAsync(hub, ticket), t => t == nameof(Commented));
        Assert.Single(await HistoryTypesAsync(hub, ticket), t => t == nameof(TicketCreated));
    }

    [Fact]
    public async Task Mail_DeploymentRequestWithUnknownServiceAndNoVersion_TicketKeptWithAnInternalCommentAndNoChange()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage posted = await PostMailAsync(hub, "Deployment request: payroll", "Please deploy.\nService: payroll\nTier: PROD\nKind: fix\n");
        await WaitUntilAsync(async () => (await TicketNumbersAsync(hub)).Length == 1, TimeSpan.FromSeconds(30));
        long ticket = (await TicketNumbersAsync(hub))[0];
        await WaitUntilAsync(async () => (await HistoryTypesAsync(hub, ticket)).Contains(nameof(Commented)), TimeSpan.FromSeconds(30));
        await WaitForIdleAsync(hub);

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        TicketState state = (await Tickets(hub).GetAsync(ticket.ToString(CultureInfo.InvariantCulture)))!.State;
        Assert.Equal("ProductionDeploy", state.Queue);
        Commented comment = Assert.Single(await CommentsAsync(hub, ticket));
        Assert.Equal(
            "[hub] This deployment request opened no change. Version: missing (a line such as \"Version: 2.4.1\"); "
            + "Service: 'payroll' is not in the catalog (GET /api/catalog/services). "
            + "Correct the request with those lines and open the change with POST /api/changes.",
            comment.Body);
        using JsonDocument list = JsonDocument.Parse(await (await SendAsync(hub, HttpMethod.Get, "/api/changes", ReaderKey)).Content.ReadAsStringAsync());
        Assert.Equal(0, list.RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(hub, HttpMethod.Get, $"/api/changes/{ticket}", ReaderKey)).StatusCode);
    }

    private static Task<TestHub> StartAsync() => TestHub.StartAsync(new Dictionary<string, string?>
    {
        ["Hub__Secrets__MailBasicAuth"] = Credentials,
        ["Hub__ApiKeys__test-operator"] = $"operator:{OperatorKey}",
        ["Hub__ApiKeys__test-reader"] = $"logs-reader:{ReaderKey}",
    });

    // The portal with the four standard tiers and no agent (each installation is manual), no release windows.
    private static object Portal() => new
    {
        name = "portal",
        startupRank = 40,
        owners = new[] { "portal-owners@example.org" },
        recipientLists = new[] { "map-support" },
        tiers = new[] { new { name = "DEV" }, new { name = "TEST" }, new { name = "STAGE" }, new { name = "PROD" } },
    };

    // The hub's own JSON mail format (docs/mail.md), from a partner developer to the map-support list.
    private static async Task<HttpResponseMessage> PostMailAsync(TestHub hub, string subject, string text)
    {
        string json = JsonSerializer.Serialize(new
        {
            from = "Dev Partner <dev@partner.example.com>",
            to = new[] { "map-support@example.org" },
            subject,
            text,
            messageId = $"<{Guid.NewGuid():N}@partner.example.com>",
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/mail") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", $"Basic {BasicAuth}");
        return await hub.Client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> SendAsync(TestHub hub, HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", key);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        return await hub.Client.SendAsync(request);
    }

    /// <summary>Polls <c>GET /api/changes</c> until it lists a change, up to <paramref name="within"/>.</summary>
    private static async Task<JsonElement> WaitForChangeAsync(TestHub hub, TimeSpan within)
    {
        JsonElement found = default;
        await WaitUntilAsync(async () =>
        {
            using JsonDocument list = JsonDocument.Parse(await (await SendAsync(hub, HttpMethod.Get, "/api/changes", ReaderKey)).Content.ReadAsStringAsync());
            JsonElement items = list.RootElement.GetProperty("items");
            found = items.GetArrayLength() > 0 ? Assert.Single(items.EnumerateArray()).Clone() : default;
            return items.GetArrayLength() > 0;
        }, within);
        return found;
    }

    private static AggregateProcessor<TicketState, TicketCommand, TicketEvent> Tickets(TestHub hub) =>
        hub.App.Services.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>();

    private static async Task<IReadOnlyList<string>> HistoryTypesAsync(TestHub hub, long ticket) =>
        [.. (await Tickets(hub).HistoryAsync(ticket.ToString(CultureInfo.InvariantCulture))).Events.Select(e => e.Type)];

    private static async Task<IReadOnlyList<Commented>> CommentsAsync(TestHub hub, long ticket) =>
        [.. (await Tickets(hub).HistoryAsync(ticket.ToString(CultureInfo.InvariantCulture))).Events
            .Where(e => e.Type == nameof(Commented))
            .Select(e => Assert.IsType<Commented>(JsonSerializer.Deserialize<TicketEvent>(e.Data, Json)))];
}
