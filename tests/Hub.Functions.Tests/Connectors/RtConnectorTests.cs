using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Connectors;
using Hub.Functions.Connectors;
using Hub.Functions.Tests.Support;
using Hub.Functions.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

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
        RtRequest put = Assert.Single(_rt.Requests, r => r.Method == "PUT");
        Assert.Equal($"/REST/2.0/ticket/{ticket.Id}", put.Path);
        // Then read back: RT answers 200 to a PUT it took only in part.
        Assert.Equal(("GET", $"/REST/2.0/ticket/{ticket.Id}"), (_rt.Requests[^1].Method, _rt.Requests[^1].Path));
    }

    [Theory]
    [InlineData("RT-{0}")]
    [InlineData("rt#{0}")]
    [InlineData("#{0}")]
    [InlineData(" {0} ")]
    [InlineData("https://rt.example.org/Ticket/Display.html?id={0}")]
    public async Task Update_TicketIdInAnyDocumentedForm_CallsRest2WithItsNumber(string form)
    {
        RtTicket ticket = _rt.Seed("sw-rel", "Release 5.2.1");
        string externalId = string.Format(System.Globalization.CultureInfo.InvariantCulture, form, ticket.Id);

        string id = await Connector().SendAsync(new ConnectorCall("rt", ConnectorCall.Update, ExternalId: externalId, Status: "resolved"), "call-forms", CancellationToken.None);

        Assert.Equal(externalId, id);
        Assert.Equal("resolved", ticket.Status);
        Assert.Equal($"/REST/2.0/ticket/{ticket.Id}", Assert.Single(_rt.Requests, r => r.Method == "PUT").Path);
    }

    [Theory]
    [InlineData("RT-")]
    [InlineData("Ticket 12")]
    [InlineData("https://rt.example.org/Ticket/Display.html")]
    public async Task Update_IdThatIsNoRtTicket_FailsPermanentlyNamingItAndSendsNothing(string externalId)
    {
        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector().SendAsync(new ConnectorCall("rt", ConnectorCall.Update, ExternalId: externalId, Status: "open"), "call-bad-id", CancellationToken.None));

        Assert.False(error.Transient);
        Assert.Contains($"'{externalId}' is not an RT ticket id", error.Message, StringComparison.Ordinal);
        Assert.Empty(_rt.Requests);
    }

    [Fact]
    public async Task Create_RtAnswers403_FailsPermanentlyWithRtsReasonWithoutRetrying()
    {
        _rt.FailNext(403, message: "No permission to create tickets in the queue 'Nobody'");

        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            Connector().SendAsync(new ConnectorCall("rt", ConnectorCall.Create, Queue: "Nobody", Subject: "Bad export"), "call-403", CancellationToken.None));

        Assert.False(error.Transient);
        Assert.Equal(403, error.Status);
        Assert.Contains("No permission to create tickets in the queue 'Nobody'", error.Message, StringComparison.Ordinal);
        Assert.Single(_rt.Requests);
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
        Assert.Equal(3, _rt.Requests.Count(r => r.Method == "PUT"));
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
    public async Task Send_429WithRetryAfter_WaitsOnTheInjectedClockThenRetries()
    {
        RtTicket ticket = _rt.Seed("sw-rel", "Release");
        _rt.FailNext(429, retryAfterSeconds: 20);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        // A per-attempt timeout far beyond the test, so moving the clock can only release the wait between attempts.
        var definition = new ConnectorDefinition("rt", ConnectorType.Rt, _rt.BaseAddress, TokenSetting, TimeSpan.FromHours(1), 3);
        ITicketSystemConnector rt = new TicketSystemConnectors(Config(definition), Settings(FakeRt.Token), Clients(), clock).Find("rt")!;

        Task<string> send = rt.SendAsync(new ConnectorCall("rt", ConnectorCall.Update, ExternalId: ticket.Id, Status: "open"), "call-12", CancellationToken.None);
        await PollAsync(() => _rt.Requests.Count == 1);
        // Move the injected clock a second at a time until the retry has gone out: it must take the 20 s RT asked for.
        TimeSpan advanced = TimeSpan.Zero;
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (_rt.Requests.Count < 2 && DateTime.UtcNow < deadline)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.Delay(50);
        }

        string id = await send.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(advanced >= TimeSpan.FromSeconds(20), $"retried after {advanced} on the injected clock");
        Assert.Equal(ticket.Id, id);
        Assert.Equal(2, _rt.Requests.Count(r => r.Method == "PUT"));
        Assert.Equal("open", ticket.Status);
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
        var connectors = new TicketSystemConnectors(Config(definition), Settings(FakeRt.Token), RtConnectorTests.Clients(), TimeProvider.System);

        await Assert.ThrowsAsync<ConnectorException>(() =>
            connectors.Find("rt")!.SendAsync(new ConnectorCall("rt", ConnectorCall.CommentOperation, ExternalId: "1", Text: "x"), "c", CancellationToken.None));

        Assert.Equal("/rt/REST/2.0/ticket/1/comment", Assert.Single(_rt.Requests).Path);
    }

    private static async Task PollAsync(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 10 s");
            await Task.Delay(20);
        }
    }

    private static readonly Lazy<IHttpClientFactory> SharedClients =
        new(() => new ServiceCollection().AddConnectorHttp().BuildServiceProvider().GetRequiredService<IHttpClientFactory>());

    /// <summary>The connectors' HTTP client as the hub registers it.</summary>
    internal static IHttpClientFactory Clients() => SharedClients.Value;

    internal static HubConfiguration Config(params ConnectorDefinition[] connectors) =>
        Hub.Functions.Configuration.HubConfigurationLoader.Load(Path.Combine(Hub.Testing.Azurite.RepositoryRoot(), "config", "hub.yaml")) with { Connectors = connectors };

    internal static IConfiguration Settings(string? token, string setting = TokenSetting) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [setting.Replace("__", ":", StringComparison.Ordinal)] = token }).Build();

    private ITicketSystemConnector Connector(string? token = FakeRt.Token, TimeSpan? timeout = null, int maxRetries = 3)
    {
        var definition = new ConnectorDefinition("rt", ConnectorType.Rt, _rt.BaseAddress, TokenSetting, timeout ?? TimeSpan.FromSeconds(10), maxRetries);
        var connectors = new TicketSystemConnectors(Config(definition), Settings(token), RtConnectorTests.Clients(), TimeProvider.System) { RetryDelay = TimeSpan.FromMilliseconds(20) };
        return connectors.Find("RT")!;
    }
}
