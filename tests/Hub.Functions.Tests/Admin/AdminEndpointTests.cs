using System.Net;
using System.Net.Http.Json;
using Hub.Functions.Admin;
using Hub.Functions.Functions;
using Hub.Functions.Tests.Support;
using Hub.Testing;

namespace Hub.Functions.Tests.Admin;

public sealed class AdminEndpointTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-0123456789abcdef")]
    [InlineData("")]
    public async Task Invoke_WithoutValidKey_Answers401Problem(string? key)
    {
        await using TestHub hub = await StartAsync(new RecordingHandler("Work"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/Work") { Content = JsonContent.Create(new { input = "x" }) };
        if (key is not null)
        {
            request.Headers.Add(AdminEndpoints.KeyHeader, key);
        }

        using HttpResponseMessage response = await hub.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Invoke_UnknownFunction_Answers404Problem()
    {
        await using TestHub hub = await StartAsync(new RecordingHandler("Work"));

        using HttpResponseMessage response = await hub.Client.SendAsync(Request("/admin/functions/Nope", "x"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Invoke_QueueFunctionWithKey_Answers202AndRunsTheHandlerWithTheInput()
    {
        var handler = new RecordingHandler("Work");
        await using TestHub hub = await StartAsync(handler);

        using HttpResponseMessage response = await hub.Client.SendAsync(Request("/admin/functions/work", "{\"replay\":7}"));
        await handler.WaitForAsync(1, TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        FunctionInvocation invocation = Assert.Single(handler.Invocations);
        Assert.Equal("{\"replay\":7}", invocation.Input);
        Assert.Equal(InvocationSource.Admin, invocation.Source);
        Assert.Equal(TriggerKind.Queue, invocation.Trigger);
    }

    private static HttpRequestMessage Request(string path, string input)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { input }) };
        request.Headers.Add(AdminEndpoints.KeyHeader, TestHub.AdminKey);
        return request;
    }

    private static async Task<TestHub> StartAsync(RecordingHandler handler)
    {
        string root = TestFunctions.Create(TestFunctions.FastQueuesHostJson, ("Work", TestFunctions.Queue(Azurite.UniqueName("q"))));
        return await TestHub.StartAsync(
            new Dictionary<string, string?> { ["Hub__FunctionsRoot"] = root },
            services => services.AddFunctionHandler(handler));
    }
}
