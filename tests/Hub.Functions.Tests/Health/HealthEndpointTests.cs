using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Functions.Admin;
using Hub.Functions.Tests.Support;
using Hub.Storage.Account;
using Hub.Testing;

namespace Hub.Functions.Tests.Health;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_AzuriteUp_Answers200WithEveryServiceAndTheHeartbeatAfterHousekeeping()
    {
        await using TestHub hub = await TestHub.StartAsync();

        JsonElement before = await hub.Client.GetFromJsonAsync<JsonElement>("/api/health");
        using var run = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/Housekeeping") { Content = JsonContent.Create(new { input = "" }) };
        run.Headers.Add(AdminKey.Header, TestHub.AdminKey);
        using HttpResponseMessage accepted = await hub.Client.SendAsync(run);
        JsonElement after = await WaitForHeartbeatAsync(hub.Client);

        Assert.Equal("ok", before.GetProperty("status").GetString());
        Assert.Equal("standalone", before.GetProperty("mode").GetString());
        foreach (string service in new[] { "blob", "queue", "table" })
        {
            Assert.True(before.GetProperty("storage").GetProperty(service).GetProperty("ok").GetBoolean(), service);
        }

        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastHeartbeat").ValueKind);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("standalone", after.GetProperty("lastHeartbeat").GetProperty("mode").GetString());
        Assert.Equal("Admin", after.GetProperty("lastHeartbeat").GetProperty("trigger").GetString());
    }

    [Fact]
    public async Task Health_StorageOnADeadPort_Answers503ProblemNamingTheServices()
    {
        const int dead = Azurite.DeadPort;
        string account = StorageConnectionString.DevelopmentAccountName;
        string connection = $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={StorageConnectionString.DevelopmentAccountKey};" +
                            $"BlobEndpoint=http://127.0.0.1:{dead}/{account};QueueEndpoint=http://127.0.0.1:{dead}/{account};TableEndpoint=http://127.0.0.1:{dead}/{account};";
        await using TestHub hub = await TestHub.StartAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connection });

        using HttpResponseMessage response = await hub.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("blob: ", detail, StringComparison.Ordinal);
        Assert.Contains("queue: ", detail, StringComparison.Ordinal);
        Assert.Contains("table: ", detail, StringComparison.Ordinal);
        Assert.False(problem.GetProperty("storage").GetProperty("queue").GetProperty("ok").GetBoolean());
        Assert.DoesNotContain(StorageConnectionString.DevelopmentAccountKey, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_Answers404ProblemDetails()
    {
        await using TestHub hub = await TestHub.StartAsync();

        using HttpResponseMessage response = await hub.Client.GetAsync("/api/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    private static async Task<JsonElement> WaitForHeartbeatAsync(HttpClient client)
    {
        for (int attempt = 0; ; attempt++)
        {
            JsonElement health = await client.GetFromJsonAsync<JsonElement>("/api/health");
            if (health.GetProperty("lastHeartbeat").ValueKind == JsonValueKind.Object || attempt > 50)
            {
                return health;
            }

            await Task.Delay(100);
        }
    }
}
