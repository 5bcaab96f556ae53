using Hub.Standalone.Settings;
using Microsoft.Extensions.Configuration;

namespace Hub.Standalone.Tests;

/// <summary>host.json as the standalone host reads it, with the Functions host's <c>AzureFunctionsJobHost__</c> overrides.</summary>
public sealed class HostJsonTests
{
    [Fact]
    public void Load_AppSettingsUnderAzureFunctionsJobHost_OverrideTheFileCaseInsensitively()
    {
        string path = Path.Combine(Path.GetTempPath(), $"host-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {
              "version": "2.0",
              "extensions": {
                "http": { "routePrefix": "" },
                "queues": { "maxPollingInterval": "00:00:02", "batchSize": 16 },
                "durableTask": { "hubName": "%Hub__DurableName%", "storageProvider": { "partitionCount": 4 } }
              }
            }
            """);
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.100",
            ["AzureFunctionsJobHost:Extensions:Queues:BatchSize"] = "4",
            ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:partitionCount"] = "1",
            ["Unrelated:extensions:queues:batchSize"] = "99",
        }).Build();

        HostJson host = HostJson.Load(path, configuration);

        Assert.Equal(TimeSpan.FromMilliseconds(100), host.Queues.MaxPollingInterval);
        Assert.Equal(4, host.Queues.BatchSize);
        Assert.Equal(1, host.Durable.PartitionCount);
        Assert.Equal("%Hub__DurableName%", host.Durable.HubName);
        Assert.Equal("", host.RoutePrefix);
    }

    [Fact]
    public void Load_NoFile_OverridesStillApplyOverTheDefaults()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:http:routePrefix"] = "hub",
        }).Build();

        HostJson host = HostJson.Load(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json"), configuration);

        Assert.Equal("hub", host.RoutePrefix);
        Assert.Equal(QueueSettings.Default, host.Queues);
    }
}
