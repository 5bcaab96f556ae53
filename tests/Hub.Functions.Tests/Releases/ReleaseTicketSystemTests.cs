using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Tests.Support;
using static Hub.Functions.Tests.Releases.ReleaseKit;

namespace Hub.Functions.Tests.Releases;

/// <summary>A release opened and moved by a ticket system (the transition API), with release.xml fetched from its URL.</summary>
public sealed class ReleaseTicketSystemTests
{
    private const string Secret = "rt-release-webhook-secret";

    [Fact]
    public async Task TicketSystem_CreatedInSwRelThenTransitions_OpensTheReleaseAndMovesIt()
    {
        await using TestHub hub = await StartAsync(new Dictionary<string, string?>
        {
            ["Hub__Secrets__RtWebhookSecret"] = Secret,
            ["Hub__Secrets__RtWebhookSecretNext"] = Secret + "-next",
        });
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        byte[] rpm = Encoding.UTF8.GetBytes("bar rpm");
        string dist = "bar" + Guid.NewGuid().ToString("N")[..8];
        sync.Files["bar/release.xml"] = Encoding.UTF8.GetBytes(Xml("1.0.0", "umd-5", new Dictionary<string, byte[]> { ["bar.rpm"] = rpm }, type: "NonIncremental", dist: dist));
        sync.Files["bar/bar.rpm"] = rpm;
        string created = $$$$"""
            {"event":"created","deliveryId":"c-RT-77","ticket":{"id":"RT-77","url":"https://rt.example.org/Ticket/Display.html?id=77","queue":"sw-rel",
             "subject":"Bar 1.0.0","status":"Submitted","requestors":["bar-dev@vendor.example"],
             "customFields":{"ReleaseXml":"{{{{sync.BaseAddress}}}}bar/release.xml","SyncURL":"{{{{sync.BaseAddress}}}}bar/","Emergency":true}}}
            """;

        HttpResponseMessage opened = await PostAsync(hub, created);
        long number = await NumberAsync(opened);
        ReleaseState release = await ReleaseAsync(hub, number);
        HttpResponseMessage submitted = await PostAsync(hub, Transition("RT-77", "Unverified", "Submitted", "t1"));
        ReleaseState unverified = await ReleaseAsync(hub, number);
        await PostAsync(hub, Transition("RT-77", "StageRollout", "Unverified", "t2"));
        ReleaseState staged = await ReleaseAsync(hub, number);
        HttpResponseMessage skip = await PostAsync(hub, Transition("RT-77", "Production", "InVerification", "t3"));
        ReleaseState after = await ReleaseAsync(hub, number);

        Assert.Equal(HttpStatusCode.Accepted, opened.StatusCode);
        Assert.Equal(("Bar 1.0.0", "bar-dev@vendor.example", true), (release.Title, release.Provider, release.Emergency));
        Assert.Equal(new ReleaseExternalRef("rt", "RT-77", "https://rt.example.org/Ticket/Display.html?id=77"), release.ExternalRef);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal(RolloutProgress.Unverified, unverified.Progress);
        Assert.True(unverified.MetadataFrozen);
        Assert.Equal("umd-5", unverified.MajorRelease);
        Assert.Equal(["bar/release.xml", "bar/bar.rpm"], sync.Requests.ToArray());
        // The emergency path: Unverified -> StageRollout.
        Assert.Equal(RolloutProgress.StageRollout, staged.Progress);
        Assert.EndsWith($"/sw/stagerollout/{dist}/1.0.0/", staged.RepositoryUrl, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, skip.StatusCode);
        Assert.Equal(RolloutProgress.StageRollout, after.Progress);
        Assert.Single(await ExternalRefusalsAsync(hub, number));
    }

    [Theory]
    // The intake already answers 422 for what it can judge (a non-http SyncURL, a long subject); these pass it.
    [InlineData("\"SyncURL\":\"https://deploy:pw@vendor.example/bar/\"", "syncUrl: must not carry credentials")]
    [InlineData("\"ReleaseXml\":\"https://deploy:pw@vendor.example/bar/release.xml\"", "releaseXmlUrl: must not carry credentials")]
    public async Task TicketSystem_ReleaseRefused_CommentsTheReasonOnTheTicket(string field, string reason)
    {
        await using TestHub hub = await StartAsync(new Dictionary<string, string?>
        {
            ["Hub__Secrets__RtWebhookSecret"] = Secret,
            ["Hub__Secrets__RtWebhookSecretNext"] = Secret + "-next",
        });
        string id = "RT-" + Guid.NewGuid().ToString("N")[..6];
        const string title = "Bar 1.0.0";
        string created = "{\"event\":\"created\",\"deliveryId\":\"c-" + id + "\",\"ticket\":{\"id\":\"" + id
            + "\",\"url\":\"https://rt.example.org/Ticket/Display.html?id=78\",\"queue\":\"sw-rel\",\"subject\":\"" + title
            + "\",\"status\":\"Submitted\",\"requestors\":[\"bar-dev@vendor.example\"],\"customFields\":{" + field + "}}}";

        HttpResponseMessage opened = await PostAsync(hub, created);
        Assert.True(opened.StatusCode == HttpStatusCode.Accepted, await opened.Content.ReadAsStringAsync());
        long number = await NumberAsync(opened);

        var releases = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<
            Hub.Storage.Durable.AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent>>(hub.App.Services);
        Assert.Null(await releases.GetAsync(ReleaseDecider.IdOf(number)));
        Hub.Storage.Durable.EventRecord comment = (await TicketHistoryAsync(hub, number)).Single(e => e.Type == "Commented");
        string body = System.Text.Json.JsonDocument.Parse(comment.Data).RootElement.GetProperty("body").GetString()!;
        Assert.StartsWith("This ticket is in the release queue sw-rel, but the hub could not open a release for it: ", body, StringComparison.Ordinal);
        Assert.Contains(reason, body, StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<Hub.Storage.Durable.EventRecord>> ExternalRefusalsAsync(TestHub hub, long number)
    {
        var releases = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<
            Hub.Storage.Durable.AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent>>(hub.App.Services);
        return [.. (await releases.HistoryAsync(ReleaseDecider.IdOf(number))).Events.Where(e => e.Type == nameof(ExternalTransitionRefused))];
    }

    private static string Transition(string id, string current, string previous, string delivery) =>
        $$$"""{"event":"transition","deliveryId":"{{{delivery}}}","ticketId":"{{{id}}}","rolloutProgress":{"current":"{{{current}}}","previous":"{{{previous}}}"}}""";

    private static async Task<HttpResponseMessage> PostAsync(TestHub hub, string json)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/hooks/tickets/rt") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)));
        HttpResponseMessage response = await hub.Client.SendAsync(request);
        // The delivery is applied from the work queue and its commands to the release run after that.
        await HubState.WaitForEffectsAsync(hub);
        return response;
    }

    private static async Task<long> NumberAsync(HttpResponseMessage response)
    {
        using var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("ticket").GetInt64();
    }
}
