using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Connectors;
using Hub.Functions.Connectors;
using Hub.Testing;

namespace Hub.Functions.Tests.Connectors;

/// <summary>The RT connector against a real RT 5 (<see cref="RealRt"/>), read back over REST2 as RT stored it.</summary>
public sealed class RealRtConnectorTests
{
    [Fact]
    public async Task Create_WithRequestorsCcDescriptionAndLinkBack_RtStoresEachOfThem()
    {
        RealRt rt = await RealRt.SharedAsync();
        string link = $"https://hub-{Guid.NewGuid():N}.example.org/api/tickets/42";

        string id = await Connector(rt).SendAsync(
            new ConnectorCall("rt", ConnectorCall.Create, Queue: RealRt.TeamQueue, Subject: "[hub #42] Export truncates CSV",
                Text: "Rows after 65,536 are lost.\nSeen in the nightly export.", LinkBackUrl: link,
                Requestors: ["analyst@example.com", "second@example.com"], Cc: ["watcher@example.com"]),
            "call-real-1", CancellationToken.None);

        JsonElement ticket = await rt.TicketAsync(id);
        Assert.Equal("[hub #42] Export truncates CSV", ticket.GetProperty("Subject").GetString());
        Assert.Equal(RealRt.TeamQueue, (await rt.GetAsync($"queue/{ticket.GetProperty("Queue").GetProperty("id").GetString()}")).GetProperty("Name").GetString());
        Assert.Equal(["analyst@example.com", "second@example.com"], Ids(ticket, "Requestor").Order(StringComparer.Ordinal));
        Assert.Equal(["watcher@example.com"], Ids(ticket, "Cc"));
        Assert.Equal([link], ticket.GetProperty("_hyperlinks").EnumerateArray().Where(h => h.GetProperty("ref").GetString() == "refers-to").Select(h => h.GetProperty("_url").GetString()));
        JsonElement attachments = await rt.GetAsync($"ticket/{id}/attachments?fields=Content,ContentType");
        JsonElement first = attachments.GetProperty("items").EnumerateArray().First();
        Assert.Equal(("Rows after 65,536 are lost.\nSeen in the nightly export.", "text/plain"), (first.GetProperty("Content").GetString(), first.GetProperty("ContentType").GetString()));
        Assert.Equal(RealRt.HubUser, ticket.GetProperty("Creator").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Create_RepeatedAfterItHappened_FindsTheTicketByItsLinkOnRealRt()
    {
        RealRt rt = await RealRt.SharedAsync();
        var call = new ConnectorCall("rt", ConnectorCall.Create, Queue: RealRt.TeamQueue, Subject: "Once only", LinkBackUrl: $"https://hub-{Guid.NewGuid():N}.example.org/api/tickets/7");

        string first = await Connector(rt).SendAsync(call, "call-real-2", CancellationToken.None);
        string again = await Connector(rt).SendAsync(call, "call-real-2", CancellationToken.None);

        Assert.Equal(first, again);
    }

    [Fact]
    public async Task Create_QueueThatDoesNotExist_RtAnswers403_AFailurePermanentWithRtsReason()
    {
        RealRt rt = await RealRt.SharedAsync();
        string queue = "Nobody-" + Guid.NewGuid().ToString("N")[..8];

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector(rt).SendAsync(new ConnectorCall("rt", ConnectorCall.Create, Queue: queue, Subject: "Bad export"), "call-real-403", CancellationToken.None));

        Assert.Equal((false, 403), (error.Transient, error.Status));
        Assert.Contains($"No permission to create tickets in the queue '{queue}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WrongToken_RtAnswers401_ATransientFailureRetriedLater()
    {
        RealRt rt = await RealRt.SharedAsync();

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector(rt, token: "1-27-0123456789abcdef0123456789abcdef", maxRetries: 0)
                .SendAsync(new ConnectorCall("rt", ConnectorCall.CommentOperation, ExternalId: "1", Text: "x"), "call-real-401", CancellationToken.None));

        Assert.Equal((true, 401), (error.Transient, error.Status));
        Assert.Contains("Unauthorized", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_StatusAndRolloutProgressOnAReleaseTicket_RtHoldsBoth()
    {
        RealRt rt = await RealRt.SharedAsync();
        string id = await Connector(rt).SendAsync(new ConnectorCall("rt", ConnectorCall.Create, Queue: RealRt.ReleaseQueue, Subject: "Baz 1.2.3"), "call-real-u0", CancellationToken.None);

        string updated = await Connector(rt).SendAsync(
            new ConnectorCall("rt", ConnectorCall.Update, ExternalId: $"RT-{id}", Status: "resolved", CustomFields: new Dictionary<string, string> { ["RolloutProgress"] = "Production" }),
            "call-real-u1", CancellationToken.None);

        JsonElement ticket = await rt.TicketAsync(id);
        Assert.Equal($"RT-{id}", updated);
        Assert.Equal("resolved", ticket.GetProperty("Status").GetString());
        Assert.Equal(["Production"], ticket.GetProperty("CustomFields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "RolloutProgress").GetProperty("values").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task Update_StatusRtRefusesWithA200_FailsPermanentlyNamingTheStatusAndRtsMessage()
    {
        RealRt rt = await RealRt.SharedAsync();
        string id = await Connector(rt).SendAsync(new ConnectorCall("rt", ConnectorCall.Create, Queue: RealRt.ReleaseQueue, Subject: "Bogus status"), "call-real-u2", CancellationToken.None);

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector(rt).SendAsync(new ConnectorCall("rt", ConnectorCall.Update, ExternalId: id, Status: "bogus"), "call-real-u3", CancellationToken.None));

        Assert.False(error.Transient);
        Assert.Contains($"RT did not take Status 'bogus' (the ticket is 'new') on ticket {id}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Ticket {id}: Status 'bogus' isn't a valid status for this ticket.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_CustomFieldNotAppliedToTheQueue_RtDropsItSilently_FailsPermanentlyNamingTheField()
    {
        RealRt rt = await RealRt.SharedAsync();
        string id = await Connector(rt).SendAsync(new ConnectorCall("rt", ConnectorCall.Create, Queue: RealRt.TeamQueue, Subject: "No field here"), "call-real-u4", CancellationToken.None);

        var error = await Assert.ThrowsAsync<ConnectorException>(() => Connector(rt).SendAsync(
            new ConnectorCall("rt", ConnectorCall.Update, ExternalId: id, Status: "open", CustomFields: new Dictionary<string, string> { ["RolloutProgress"] = "Production" }),
            "call-real-u5", CancellationToken.None));

        Assert.False(error.Transient);
        Assert.Contains("RT did not take custom field RolloutProgress: it does not apply to the ticket's queue", error.Message, StringComparison.Ordinal);
        // The status RT did take; the failure is about the field alone.
        Assert.Equal("open", (await rt.TicketAsync(id)).GetProperty("Status").GetString());
    }

    [Fact]
    public async Task Update_ValueTheSelectFieldDoesNotOffer_FailsPermanentlyWithRtsMessage()
    {
        RealRt rt = await RealRt.SharedAsync();
        string id = await Connector(rt).SendAsync(new ConnectorCall("rt", ConnectorCall.Create, Queue: RealRt.ReleaseQueue, Subject: "Odd value"), "call-real-u6", CancellationToken.None);

        var error = await Assert.ThrowsAsync<ConnectorException>(() => Connector(rt).SendAsync(
            new ConnectorCall("rt", ConnectorCall.Update, ExternalId: id, CustomFields: new Dictionary<string, string> { ["RolloutProgress"] = "Launched" }),
            "call-real-u7", CancellationToken.None));

        Assert.False(error.Transient);
        Assert.Contains("RT did not take custom field RolloutProgress = 'Launched' (it holds no value)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid value for custom field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckCustomField_OnTheReleaseQueueAndElsewhere_FindsItOnlyWhereHubSetupAppliedIt()
    {
        RealRt rt = await RealRt.SharedAsync();
        var connector = (RtConnector)Connector(rt);

        string? release = await connector.CheckCustomFieldAsync(RealRt.ReleaseQueue, "RolloutProgress", CancellationToken.None);
        string? team = await connector.CheckCustomFieldAsync(RealRt.TeamQueue, "RolloutProgress", CancellationToken.None);

        Assert.Null(release);
        Assert.Equal($"the custom field RolloutProgress does not apply to the RT queue {RealRt.TeamQueue} (or the hub's RT user may not see it)", team);
    }

    internal static IEnumerable<string?> Ids(JsonElement ticket, string role) => ticket.GetProperty(role).EnumerateArray().Select(u => u.GetProperty("id").GetString());

    internal static ITicketSystemConnector Connector(RealRt rt, string? token = null, int maxRetries = 2)
    {
        var definition = new ConnectorDefinition("rt", ConnectorType.Rt, rt.BaseAddress, "Hub__Connectors__RtToken", TimeSpan.FromSeconds(20), maxRetries);
        var connectors = new TicketSystemConnectors(RtConnectorTests.Config(definition), RtConnectorTests.Settings(token ?? rt.HubToken), RtConnectorTests.Clients(), TimeProvider.System)
        {
            RetryDelay = TimeSpan.FromMilliseconds(20),
        };
        return connectors.Find("rt")!;
    }
}
