using System.Net;
using System.Text.Json;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Tests.Support;
using static Hub.Functions.Tests.Releases.ReleaseKit;

namespace Hub.Functions.Tests.Releases;

/// <summary>Credentials never ride along in a Sync-URL or releaseXmlUrl into comments, mails, the external ticket or logs.</summary>
public sealed class ReleaseUrlSecretsTests
{
    [Theory]
    [InlineData("syncUrl")]
    [InlineData("releaseXmlUrl")]
    public async Task ReleaseCreate_UrlWithUserInfo_Answers422NamingTheField(string field)
    {
        await using TestHub hub = await StartAsync();
        string url = "https://deploy:s3cret@vendor.example/foo/";

        object body = field == "syncUrl"
            ? new { title = "Foo", syncProtocol = "https", syncUrl = url }
            : new { title = "Foo", releaseXmlUrl = url + "release.xml" };
        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        JsonElement error = problem.RootElement.GetProperty("errors")[0];
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.StartsWith("must not carry credentials", error.GetProperty("rule").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleaseFetch_FailureReason_LeavesTheQueryOut()
    {
        await using TestHub hub = await StartAsync();
        await using FakeSyncServer sync = await FakeSyncServer.StartAsync();
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/releases", ProviderKey, new
        {
            title = "Foo", releaseXmlUrl = $"{sync.BaseAddress}missing/release.xml?token=s3cret-token",
        });
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        long id = body.RootElement.GetProperty("number").GetInt64();

        await MoveAsync(hub, id, "Unverified", ProviderKey);

        ReleaseState release = await ReleaseAsync(hub, id);
        Assert.Equal(RolloutProgress.Failed, release.Progress);
        Assert.Equal($"Repository step for Unverified failed: release.xml: {sync.BaseAddress}missing/release.xml answered 404.", release.FailureReason);
        Assert.DoesNotContain("s3cret", JsonSerializer.Serialize(await TicketHistoryAsync(hub, id)), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", JsonSerializer.Serialize(await MailsAsync(hub, id)), StringComparison.Ordinal);
    }
}
