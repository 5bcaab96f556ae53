using System.Net;
using System.Net.Http.Json;
using Hub.Standalone.TestFunctions;

namespace Hub.Standalone.Tests;

/// <summary><c>POST /admin/functions/{name}</c>: the Functions host's "run a non-HTTP function now", behind the caller's key check.</summary>
public sealed class AdminRouteTests
{
    [Theory]
    [InlineData(null, "/admin/functions/Work", HttpStatusCode.Unauthorized)]
    [InlineData("wrong-key", "/admin/functions/Work", HttpStatusCode.Unauthorized)]
    [InlineData(TestHost.AdminKey, "/admin/functions/Nope", HttpStatusCode.NotFound)]
    [InlineData(TestHost.AdminKey, "/admin/functions/Items_Get", HttpStatusCode.BadRequest)]
    [InlineData(TestHost.AdminKey, "/admin/functions/Approval", HttpStatusCode.BadRequest)]
    public async Task Invoke_RefusedRequest_AnswersProblem(string? key, string path, HttpStatusCode expected)
    {
        Azurite azurite = await Azurite.SharedAsync();
        await using TestHost host = await TestHost.StartAsync(new Probe(), TestHost.Settings(azurite));
        using var client = new HttpClient { BaseAddress = host.Address };

        using HttpResponseMessage response = await client.SendAsync(Request(path, key, """{"id":"x","fail":false}"""));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Invoke_QueueAndTimerFunction_Answers202AndRunsThemWithTheInputAndNoScheduleStatus()
    {
        Azurite azurite = await Azurite.SharedAsync();
        var probe = new Probe();
        await using TestHost host = await TestHost.StartAsync(probe, TestHost.Settings(azurite));
        using var client = new HttpClient { BaseAddress = host.Address };
        await Poll.UntilAsync(() => probe.Of("startup"), f => f.Count == 1, TimeSpan.FromSeconds(20));

        // Function names are matched ignoring case, as the Functions host matches them.
        using HttpResponseMessage work = await client.SendAsync(Request("/admin/functions/work", TestHost.AdminKey, """{"id":"by-hand","fail":false}"""));
        using HttpResponseMessage startup = await client.SendAsync(Request("/admin/functions/Startup", TestHost.AdminKey, null));
        IReadOnlyList<string> done = await Poll.UntilAsync(() => probe.Of("work-done"), d => d.Count > 0, TimeSpan.FromSeconds(20));
        IReadOnlyList<string> fired = await Poll.UntilAsync(() => probe.Of("startup"), f => f.Count > 1, TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.Accepted, work.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, startup.StatusCode);
        Assert.Equal(["by-hand"], done);
        Assert.Equal(["on-time", "by-hand"], fired);
    }

    private static HttpRequestMessage Request(string path, string? key, string? input)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (input is not null)
        {
            request.Content = JsonContent.Create(new { input });
        }

        if (key is not null)
        {
            request.Headers.Add(StandaloneHost.AdminKeyHeader, key);
        }

        return request;
    }
}
