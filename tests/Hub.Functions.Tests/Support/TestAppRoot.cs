namespace Hub.Functions.Tests.Support;

/// <summary>A throw-away app root (a host.json of its own, for Hub__FunctionsRoot) under the temp directory.</summary>
internal static class TestAppRoot
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

    public static string Create(string hostJson)
    {
        string root = Path.Combine(Path.GetTempPath(), "hub-functions-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "host.json"), hostJson);
        return root;
    }
}
