using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Connectors;
using Hub.Functions.Connectors;
using Hub.Functions.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Hub.Functions.Tests.Connectors;

public sealed class RtConnectorTests : IAsyncLifetime
{
    private const string TokenSetting = "Hub__Connectors__RtToken";
    private FakeRt _rt = null!;

    public async Task InitializeAsync() => _rt = await FakeRt.StartAsync();

    public async Task DisposeAsync() => await _rt.DisposeAsync();

    [Fact]
    public async Task Create_OpensTheTicketWithQueueSubjectTextFieldsAndLinkBack_AndReturnsItsId()
    {
        ITicketSystemConnector rt = Connector();

        string id = await rt.SendAsync(
            new ConnectorCall("rt", ConnectorCall.Create, Queue: "Team-A", Subject: "[hub #42] Disk full", Text: "Transferred from the hub.",
                CustomFields: new Dictionary<string, string> { ["Severity"] = "High" }, LinkBackUrl: "https://hub.example.org/api/tickets/42"),
            "call-1",
            CancellationToken.None);

        RtTicket ticket = Assert.Single(_rt.Tickets);
        Assert.Equal(ticket.Id, id);
        Assert.Equal(("Team-A", "[hub #42] Disk full", "Transferred from the hub."), (ticket.Queue, ticket.Subject, ticket.Content));
        Assert.Equal("High", ticket.CustomFields["Severity"]);
        Assert.Equal(["https://hub.example.org/api/tickets/42"], ticket.RefersTo);
        RtRequest create = _rt.Requests.Single(r => r.Method == "POST");
        Assert.Equal("token " + FakeRt.Token, create.Authorization);
        Assert.StartsWith("application/json", create.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_RepeatedWithTheSameLinkBack_FindsTheFirstTicketInsteadOfOpeningASecond()
    {
        ITicketSystemConnector rt = Connector();
        var call = new ConnectorCall("rt", ConnectorCall.Create, Queue: "Team-A", Subject: "Outage", LinkBackUrl: "https://hub.example.org/api/tickets/7");

        string first = await rt.SendAsync(call, "call-1", CancellationToken.None);
        string again = await rt.SendAsync(call, "call-1", CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Single(_rt.Tickets);
    }

    [Fact]
    public async Task Create_WhoseAnswerTimedOutAfterRtCreatedIt_RetriesWithoutASecondTicket()
    {
        ITicketSystemConnector rt = Connector(timeout: TimeSpan.FromMilliseconds(500));
        _rt.CreateAnswerDelay = TimeSpan.FromSeconds(3);

        string id = await rt.SendAsync(
            new ConnectorCall("rt", ConnectorCall.Create, Queue: "Team-A", Subject: "Slow", LinkBackUrl: "https://hub.example.org/api/tickets/8"), "call-1", CancellationToken.None);

        RtTicket ticket = Assert.Single(_rt.Tickets);
        Assert.Equal(ticket.Id, id);
        Assert.Single(_rt.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task Update_SetsStatusAndCustomFields()
    {
        RtTicket ticket = _rt.Seed("sw-rel", "Release 5.2.1");
        ITicketSystemConnector rt = Connector();

        string id = await rt.SendAsync(
            new ConnectorCall("rt", ConnectorCall.Update, ExternalId: ticket.Id, Status: "resolved", CustomFields: new Dictionary<string, string> { ["RolloutProgress"] = "Production" }),
            "call-2",
            CancellationToken.None);

        Assert.Equal(ticket.Id, id);
        Assert.Equal("resolved", ticket.Status);
        Assert.Equal("Production", ticket.CustomFields["RolloutProgress"]);
        RtRequest put = Assert.Single(_rt.Requests);
        Assert.Equal(("PUT", $"/REST/2.0/ticket/{ticket.Id}"), (put.Method, put.Path));
    }

    [Fact]
    public async Task Comment_AddsAnInternalComment()
    {
        RtTicket ticket = _rt.Seed("sw-rel", "Release 5.2.1");

        await Connector().SendAsync(new ConnectorCall("rt", ConnectorCall.CommentOperation, ExternalId: ticket.Id, Text: "sha256 of pkg-a does not match"), "call-3", CancellationToken.None);

        Assert.Equal(["sha256 of pkg-a does not match"], ticket.Comments);
        Assert.Empty(ticket.Correspondence);
    }

    [Fact]
    public async Task Send_ServerErrorsThenSuccess_IsRetriedWithBackoff()
    {
        RtTicket ticket = _rt.Seed("sw-rel", "Release");
        _rt.FailNext(503, times: 2);

        await Connector().SendAsync(new ConnectorCall("rt", ConnectorCall.Update, ExternalId: ticket.Id, Status: "open"), "call-4", CancellationToken.None);

        Assert.Equal("open", ticket.Status);
        Assert.Equal(3, _rt.Requests.Count);
    }

    [Fact]
    public async Task Send_ServerErrorsBeyondTheRetries_FailsTransientlyWithWhatRtSaid()
    {
        RtTicket ticket = _rt.Seed("sw-rel", "Release");
        _rt.FailNext(503, times: 10, message: "database is locked");

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector(maxRetries: 2).SendAsync(new ConnectorCall("rt", ConnectorCall.Update, ExternalId: ticket.Id, Status: "open"), "call-5", CancellationToken.None));

        Assert.True(error.Transient);
        Assert.Equal(503, error.Status);
        Assert.Contains("database is locked", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _rt.Requests.Count);
    }

    [Fact]
    public async Task Update_UnknownTicket_FailsPermanentlyWithoutRetrying()
    {
        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector().SendAsync(new ConnectorCall("rt", ConnectorCall.Update, ExternalId: "999", Status: "open"), "call-6", CancellationToken.None));

        Assert.False(error.Transient);
        Assert.Equal(404, error.Status);
        Assert.Contains("Resource does not exist", error.Message, StringComparison.Ordinal);
        Assert.Single(_rt.Requests);
    }

    [Fact]
    public async Task Send_WrongToken_FailsTransiently_SoNothingIsDroppedWhileTheTokenIsFixed()
    {
        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector(token: "not-the-token", maxRetries: 1).SendAsync(new ConnectorCall("rt", ConnectorCall.CommentOperation, ExternalId: "1", Text: "x"), "call-7", CancellationToken.None));

        Assert.True(error.Transient);
        Assert.Equal(401, error.Status);
        Assert.Equal(2, _rt.Requests.Count);
    }

    [Fact]
    public async Task Create_AnsweredWithA503_IsNotSentAgainInTheSameDispatch_TheNextDispatchLooksFirst()
    {
        ITicketSystemConnector rt = Connector();
        var call = new ConnectorCall("rt", ConnectorCall.Create, Queue: "Team-A", Subject: "Unknown outcome", LinkBackUrl: "https://hub.example.org/api/tickets/9");
        _rt.FailNext(503, method: "POST");

        var error = await Assert.ThrowsAsync<ConnectorException>(() => rt.SendAsync(call, "call-10", CancellationToken.None));
        int postsInFirstDispatch = _rt.Requests.Count(r => r.Method == "POST");
        string id = await rt.SendAsync(call, "call-10", CancellationToken.None);

        Assert.True(error.Transient);
        Assert.Contains("outcome of the create is unknown", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, postsInFirstDispatch);
        Assert.Equal(Assert.Single(_rt.Tickets).Id, id);
    }

    [Fact]
    public async Task Send_RetryAfterLongerThanHalfAMinute_IsLeftToTheNextDispatch()
    {
        RtTicket ticket = _rt.Seed("sw-rel", "Release");
        _rt.FailNext(429, retryAfterSeconds: 120);

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector().SendAsync(new ConnectorCall("rt", ConnectorCall.Update, ExternalId: ticket.Id, Status: "open"), "call-11", CancellationToken.None));

        Assert.Equal((true, 429, TimeSpan.FromMinutes(2)), (error.Transient, error.Status, error.RetryAfter));
        Assert.Single(_rt.Requests);
    }

    [Fact]
    public async Task Send_TokenSettingMissing_FailsTransientlyNamingTheSettingAndSendsNothing()
    {
        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector(token: null, maxRetries: 0).SendAsync(new ConnectorCall("rt", ConnectorCall.CommentOperation, ExternalId: "1", Text: "x"), "call-8", CancellationToken.None));

        Assert.True(error.Transient);
        Assert.Contains(TokenSetting, error.Message, StringComparison.Ordinal);
        Assert.Empty(_rt.Requests);
    }

    [Fact]
    public async Task Create_WithoutQueue_FailsPermanently()
    {
        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector().SendAsync(new ConnectorCall("rt", ConnectorCall.Create, Subject: "No queue"), "call-9", CancellationToken.None));

        Assert.False(error.Transient);
        Assert.Empty(_rt.Tickets);
    }

    [Fact]
    public async Task Connector_UnderAPathPrefix_CallsRest2UnderThatPrefix()
    {
        var definition = new ConnectorDefinition("rt", ConnectorType.Rt, new Uri(_rt.BaseAddress, "/rt/"), TokenSetting, TimeSpan.FromSeconds(5), 0);
        var connectors = new TicketSystemConnectors(Config(definition), Settings(FakeRt.Token), TimeProvider.System);

        await Assert.ThrowsAsync<ConnectorException>(() =>
            connectors.Find("rt")!.SendAsync(new ConnectorCall("rt", ConnectorCall.CommentOperation, ExternalId: "1", Text: "x"), "c", CancellationToken.None));

        Assert.Equal("/rt/REST/2.0/ticket/1/comment", Assert.Single(_rt.Requests).Path);
    }

    internal static HubConfiguration Config(params ConnectorDefinition[] connectors) =>
        Hub.Functions.Configuration.HubConfigurationLoader.Load(Path.Combine(Hub.Testing.Azurite.RepositoryRoot(), "config", "hub.yaml")) with { Connectors = connectors };

    internal static IConfiguration Settings(string? token, string setting = TokenSetting) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [setting.Replace("__", ":", StringComparison.Ordinal)] = token }).Build();

    private ITicketSystemConnector Connector(string? token = FakeRt.Token, TimeSpan? timeout = null, int maxRetries = 3)
    {
        var definition = new ConnectorDefinition("rt", ConnectorType.Rt, _rt.BaseAddress, TokenSetting, timeout ?? TimeSpan.FromSeconds(10), maxRetries);
        var connectors = new TicketSystemConnectors(Config(definition), Settings(token), TimeProvider.System) { RetryDelay = TimeSpan.FromMilliseconds(20) };
        return connectors.Find("RT")!;
    }
}
