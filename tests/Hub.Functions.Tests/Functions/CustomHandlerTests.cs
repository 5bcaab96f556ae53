using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hub.Functions.Functions;
using Hub.Functions.Tests.Support;
using Hub.Testing;

namespace Hub.Functions.Tests.Functions;

/// <summary>The hub as an Azure Functions custom handler: invocations arrive as the Functions host sends them.</summary>
public sealed class CustomHandlerTests
{
    // The request payloads as documented for custom handlers (queue and timer triggers).
    private const string QueuePayload = """
        {
          "Data": { "item": "{ \"message\": \"Message sent\" }" },
          "Metadata": {
            "DequeueCount": 2,
            "ExpirationTime": "2019-10-16T17:58:31+00:00",
            "Id": "800ae4b3-bdd2-4c08-badd-f08e5a34b865",
            "InsertionTime": "2019-10-09T17:58:31+00:00",
            "NextVisibleTime": "2019-10-09T18:08:32+00:00",
            "PopReceipt": "AgAAAAMAAAAAAAAAAgtnj8x+1QE=",
            "sys": { "MethodName": "QueueTrigger", "UtcNow": "2019-10-09T17:58:32.2205399Z", "RandGuid": "24ad4c06-24ad-4e5b-8294-3da9714877e9" }
          }
        }
        """;

    private const string TimerPayload = """
        {
          "Data": {
            "tick": {
              "Schedule": { "AdjustForDST": true },
              "ScheduleStatus": { "Last": "2025-01-15T10:00:00+00:00", "Next": "2025-01-15T10:05:00+00:00", "LastUpdated": "2025-01-15T10:00:01+00:00" },
              "IsPastDue": true
            }
          },
          "Metadata": { "sys": { "MethodName": "Tick", "UtcNow": "2025-01-15T10:05:00.1Z", "RandGuid": "4f7c3a52-2bb4-4b43-9d4b-2f0e0ad0c0aa" } }
        }
        """;

    [Fact]
    public async Task Invoke_QueuePayload_HandlerGetsDataAndMetadataAndHostGetsOutputs()
    {
        var handler = new RecordingHandler("Work", _ => new FunctionResult(
            new Dictionary<string, object?> { ["out"] = "forwarded" }, "done", ["handled"]));
        await using TestHub hub = await StartAsync(handler, new RecordingHandler("Tick"));

        using HttpResponseMessage response = await hub.Client.PostAsync("/Work", Json(QueuePayload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("forwarded", body.RootElement.GetProperty("Outputs").GetProperty("out").GetString());
        Assert.Equal("handled", body.RootElement.GetProperty("Logs")[0].GetString());
        Assert.Equal("done", body.RootElement.GetProperty("ReturnValue").GetString());
        FunctionInvocation invocation = Assert.Single(handler.Invocations);
        Assert.Equal(TriggerKind.Queue, invocation.Trigger);
        Assert.Equal(InvocationSource.FunctionsHost, invocation.Source);
        Assert.Equal("item", invocation.BindingName);
        Assert.Equal("{ \"message\": \"Message sent\" }", invocation.Input);
        Assert.Equal(2, invocation.DequeueCount);
        Assert.Equal("800ae4b3-bdd2-4c08-badd-f08e5a34b865", invocation.Metadata["Id"]);
        Assert.Equal("AgAAAAMAAAAAAAAAAgtnj8x+1QE=", invocation.Metadata["PopReceipt"]);
        Assert.Equal("2019-10-16T17:58:31+00:00", invocation.Metadata["ExpirationTime"]);
        Assert.Equal("QueueTrigger", invocation.Metadata["sys.MethodName"]);
        Assert.Equal("24ad4c06-24ad-4e5b-8294-3da9714877e9", invocation.Metadata["sys.RandGuid"]);
    }

    [Fact]
    public async Task Invoke_TimerPayload_HandlerGetsScheduleStatus()
    {
        var handler = new RecordingHandler("Tick");
        await using TestHub hub = await StartAsync(new RecordingHandler("Work"), handler);

        using HttpResponseMessage response = await hub.Client.PostAsync("/Tick", Json(TimerPayload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Equal(0, body.RootElement.GetProperty("Logs").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("ReturnValue").ValueKind);
        TimerInfo timer = Assert.Single(handler.Invocations).Timer!;
        Assert.True(timer.IsPastDue);
        Assert.Equal("0 */5 * * * *", timer.Schedule);
        Assert.Equal(new DateTimeOffset(2025, 1, 15, 10, 0, 0, TimeSpan.Zero), timer.ScheduleStatus!.Last);
        Assert.Equal(new DateTimeOffset(2025, 1, 15, 10, 5, 0, TimeSpan.Zero), timer.ScheduleStatus.Next);
        Assert.Equal(new DateTimeOffset(2025, 1, 15, 10, 0, 1, TimeSpan.Zero), timer.ScheduleStatus.LastUpdated);
    }

    [Fact]
    public async Task Invoke_FailingHandler_Answers500WithLogsSoTheHostRetries()
    {
        var handler = new RecordingHandler("Work", _ => throw new InvalidOperationException("ticket store refused"));
        await using TestHub hub = await StartAsync(handler, new RecordingHandler("Tick"));

        using HttpResponseMessage response = await hub.Client.PostAsync("/Work", Json(QueuePayload));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            "Function 'Work' failed: InvalidOperationException: ticket store refused",
            body.RootElement.GetProperty("Logs")[0].GetString());
        Assert.DoesNotContain(" at ", body.RootElement.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Nope", "{}", HttpStatusCode.NotFound)]
    [InlineData("/Work", "{ not json", HttpStatusCode.BadRequest)]
    public async Task Invoke_UnknownFunctionOrBadPayload_AnswersProblemDetails(string path, string payload, HttpStatusCode expected)
    {
        await using TestHub hub = await StartAsync(new RecordingHandler("Work"), new RecordingHandler("Tick"));

        using HttpResponseMessage response = await hub.Client.PostAsync(path, Json(payload));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ForwardedHttp_ApiHealth_AnswersInCustomHandlerMode()
    {
        await using TestHub hub = await StartAsync(new RecordingHandler("Work"), new RecordingHandler("Tick"));

        using HttpResponseMessage response = await hub.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("customHandler", body.RootElement.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Executable_StartedLikeTheFunctionsHost_RunsHousekeepingAndReportsTheHeartbeat()
    {
        Azurite azurite = await Azurite.SharedAsync();
        int port = Azurite.FreePort();
        string instance = Azurite.UniqueName("i");
        await using HubChildProcess hub = HubChildProcess.Start(new Dictionary<string, string?>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Hub__InstanceId"] = instance,
            ["Hub__AdminKey"] = TestHub.AdminKey,
        });
        await hub.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        string payload = TimerPayload.Replace("\"tick\"", "\"timer\"", StringComparison.Ordinal);

        using HttpResponseMessage invoked = await client.PostAsync("/Housekeeping", Json(payload));
        var health = await client.GetFromJsonAsync<JsonElement>("/api/health");

        Assert.Equal(HttpStatusCode.OK, invoked.StatusCode);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        JsonElement heartbeat = health.GetProperty("lastHeartbeat");
        Assert.Equal(instance, heartbeat.GetProperty("instanceId").GetString());
        Assert.Equal("customHandler", heartbeat.GetProperty("mode").GetString());
        Assert.Equal("FunctionsHost", heartbeat.GetProperty("trigger").GetString());
    }

    private static async Task<TestHub> StartAsync(RecordingHandler work, RecordingHandler tick)
    {
        string root = TestFunctions.Create(
            TestFunctions.FastQueuesHostJson,
            ("Work", TestFunctions.Queue(Azurite.UniqueName("q"))),
            ("Tick", TestFunctions.Timer("0 */5 * * * *")));
        return await TestHub.StartAsync(
            new Dictionary<string, string?>
            {
                ["FUNCTIONS_CUSTOMHANDLER_PORT"] = Azurite.FreePort().ToString(CultureInfo.InvariantCulture),
                ["Hub__FunctionsRoot"] = root,
            },
            services =>
            {
                services.AddFunctionHandler(work);
                services.AddFunctionHandler(tick);
            });
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
