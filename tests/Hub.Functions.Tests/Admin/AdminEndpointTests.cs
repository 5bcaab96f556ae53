using System.Net;
using System.Net.Http.Json;
using Hub.Functions.Admin;
using Hub.Functions.Durable;
using Hub.Functions.Tests.Support;
using Hub.Storage.Durable;
using Hub.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Admin;

/// <summary>The standalone host's <c>POST /admin/functions/{name}</c> behind the hub's admin key, on the hub's own functions.</summary>
public sealed class AdminEndpointTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-0123456789abcdef")]
    [InlineData("")]
    public async Task Invoke_WithoutValidKey_Answers401Problem(string? key)
    {
        await using TestHub hub = await TestHub.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/HubWork") { Content = JsonContent.Create(new { input = "x" }) };
        if (key is not null)
        {
            request.Headers.Add(AdminKey.Header, key);
        }

        using HttpResponseMessage response = await hub.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/admin/functions/Nope", HttpStatusCode.NotFound)]
    [InlineData("/admin/functions/Health_Get", HttpStatusCode.BadRequest)]
    public async Task Invoke_UnknownOrHttpFunction_AnswersProblem(string path, HttpStatusCode expected)
    {
        await using TestHub hub = await TestHub.StartAsync();

        using HttpResponseMessage response = await hub.Client.SendAsync(Request(path, "x"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Invoke_QueueFunctionWithKey_Answers202AndRunsItWithTheInputAsTheMessage()
    {
        await using TestHub hub = await TestHub.StartAsync(services: services =>
        {
            services.AddAggregate<CounterState, CounterCommand, CounterEvent, CounterDecider>();
            services.AddSingleton<ISideEffectHandler>(new RecordingEffect(CounterDecider.NotifyEffect));
        });
        var counter = hub.App.Services.GetRequiredService<AggregateProcessor<CounterState, CounterCommand, CounterEvent>>();
        string message = WorkQueue.Serialize(new WorkMessage("by-hand-1", WorkMessage.CommandKind, "counter", "by-hand", """{"type":"increment","by":7}"""));

        // Lower case: function names are matched as the Functions host matches them, ignoring case.
        using HttpResponseMessage response = await hub.Client.SendAsync(Request("/admin/functions/hubwork", message));
        await HubState.WaitUntilAsync(async () => await counter.GetAsync("by-hand") is not null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var view = await counter.GetAsync("by-hand");
        Assert.Equal(7, view!.State.Count);
        Assert.Equal(1, view.Sequence);
    }

    private static HttpRequestMessage Request(string path, string input)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { input }) };
        request.Headers.Add(AdminKey.Header, TestHub.AdminKey);
        return request;
    }
}
