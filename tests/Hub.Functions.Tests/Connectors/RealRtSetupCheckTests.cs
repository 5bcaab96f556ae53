using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using static Hub.Functions.Tests.Support.PlaybookConfig;

namespace Hub.Functions.Tests.Connectors;

/// <summary>
/// The operator's check of an RT connector (<c>GET /api/admin/connectors/{name}/check</c>) on a real hub against the
/// real RT that connectors/rt/hub-setup.pl set up, and the setup script run again by an admin.
/// </summary>
public sealed class RealRtSetupCheckTests
{
    [Fact]
    public async Task Check_RtSetUpByHubSetup_ReportsTheTokenAndRolloutProgressOnTheReleaseQueue()
    {
        RealRt rt = await RealRt.SharedAsync();
        await using TestHub hub = await StartAsync(rt, rt.HubToken);

        HttpResponseMessage answer = await hub.Client.GetAsync(new Uri("/api/admin/connectors/rt/check", UriKind.Relative));
        JsonElement check = await answer.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True(check.GetProperty("ok").GetBoolean(), check.ToString());
        Assert.Equal(["the RT token is accepted", "custom field RolloutProgress applies to the RT queue sw-rel"], check.GetProperty("checked").EnumerateArray().Select(c => c.GetString()));
        Assert.Empty(check.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task Check_WrongToken_ReportsRtsAnswerWithoutRetrying()
    {
        RealRt rt = await RealRt.SharedAsync();
        await using TestHub hub = await StartAsync(rt, "1-27-0123456789abcdef0123456789abcdef");

        JsonElement check = await hub.Client.GetFromJsonAsync<JsonElement>("/api/admin/connectors/rt/check");
        HttpResponseMessage unknown = await hub.Client.GetAsync(new Uri("/api/admin/connectors/jira/check", UriKind.Relative));

        Assert.False(check.GetProperty("ok").GetBoolean());
        Assert.Equal([$"rt: GET to 127.0.0.1 answered 401: Unauthorized"], check.GetProperty("problems").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task HubSetup_RunAgain_ChangesNothingAndSaysSo()
    {
        RealRt rt = await RealRt.SharedAsync();

        string output = await rt.SetupAsync("--queue", RealRt.TeamQueue, "--release-queue", RealRt.ReleaseQueue);

        Assert.Contains("user integration-hub: exists", output, StringComparison.Ordinal);
        Assert.Contains("queue sw-rel: integration-hub has SeeQueue, ShowTicket, CreateTicket, ModifyTicket, CommentOnTicket, SeeCustomField, ModifyCustomField", output, StringComparison.Ordinal);
        Assert.Contains("custom field RolloutProgress: applies to queue sw-rel", output, StringComparison.Ordinal);
        Assert.DoesNotContain("created", output, StringComparison.Ordinal);
    }

    private static async Task<TestHub> StartAsync(RealRt rt, string token)
    {
        Dictionary<string, string?> settings = Settings(Write(rtUrl: rt.BaseAddress));
        settings["Hub__Connectors__RtToken"] = token;
        TestHub hub = await TestHub.StartAsync(settings);
        hub.Client.DefaultRequestHeaders.Add("x-functions-key", TestHub.AdminKey);
        return hub;
    }
}
