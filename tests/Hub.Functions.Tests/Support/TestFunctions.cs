namespace Hub.Functions.Tests.Support;

/// <summary>
/// A throw-away functions folder (host.json plus &lt;Name&gt;/function.json) for tests, under the temp directory.
/// </summary>
internal static class TestFunctions
{
    public const string FastQueuesHostJson = """
        {
          "version": "2.0",
          "extensions": {
            "http": { "routePrefix": "" },
            "queues": { "maxPollingInterval": "00:00:00.500", "visibilityTimeout": "00:00:00", "batchSize": 4, "maxDequeueCount": 3, "newBatchThreshold": 2 }
          }
        }
        """;

    public static string Create(string hostJson, params (string Name, string FunctionJson)[] functions)
    {
        string root = Path.Combine(Path.GetTempPath(), "hub-functions-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "host.json"), hostJson);
        foreach ((string name, string json) in functions)
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            File.WriteAllText(Path.Combine(root, name, "function.json"), json);
        }

        return root;
    }

    public static string Queue(string queueName) => $$"""
        { "bindings": [ { "type": "queueTrigger", "direction": "in", "name": "item", "queueName": "{{queueName}}", "connection": "AzureWebJobsStorage" } ] }
        """;

    public static string Timer(string schedule, bool runOnStartup = false) => $$"""
        { "bindings": [ { "type": "timerTrigger", "direction": "in", "name": "tick", "schedule": "{{schedule}}", "runOnStartup": {{(runOnStartup ? "true" : "false")}} } ] }
        """;
}
