using Hub.Functions.Functions;
using Hub.Functions.Hosting;
using Hub.Functions.Housekeeping;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Functions;

public sealed class FunctionCatalogTests
{
    [Fact]
    public async Task Build_RepositoryFunctions_EveryFunctionJsonParsesAndHasAHandler()
    {
        string root = Path.Combine(Azurite.RepositoryRoot(), "functions");
        string[] folders = Directory.GetDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToArray()!;

        await using WebApplication app = Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = await TestHub.DefaultSettingsAsync() });
        FunctionCatalog catalog = app.Services.GetRequiredService<FunctionCatalog>();
        var invoker = app.Services.GetRequiredService<FunctionInvoker>();

        Assert.Contains("Http", folders);
        Assert.Contains("Housekeeping", folders);
        Assert.Equal(folders, catalog.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(catalog.Functions.Where(f => f.Trigger != TriggerKind.Http), f => Assert.True(invoker.HasHandler(f.Name), f.Name));
    }

    [Fact]
    public void Load_RepositoryFunctions_HttpForwardsEverythingAndTriggersUseTheirSettings()
    {
        string repo = Azurite.RepositoryRoot();
        IConfiguration settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Hub:HousekeepingSchedule"] = "0 */7 * * * *",
                ["Hub:OutboxSweepSchedule"] = "15 * * * * *",
                ["Hub:DurableName"] = "ops",
                ["Hub:DailyStatusSchedule"] = "0 30 8 * * 1-5",
            })
            .Build();

        var catalog = FunctionCatalog.Load(Path.Combine(repo, "functions"), Path.Combine(repo, "host.json"), settings, TimeZoneInfo.Utc);

        FunctionDefinition http = catalog.Find("Http")!;
        FunctionDefinition housekeeping = catalog.Find(HousekeepingHandler.FunctionName)!;
        Assert.Equal(TriggerKind.Http, http.Trigger);
        Assert.Equal(TriggerKind.Timer, housekeeping.Trigger);
        Assert.Equal("0 */7 * * * *", housekeeping.ScheduleText);
        Assert.False(housekeeping.RunOnStartup);
        Assert.Equal("ops-work", catalog.Find("HubWork")!.QueueName);
        Assert.Equal("ops-work-poison", catalog.Find("HubWorkPoison")!.QueueName);
        Assert.Equal("15 * * * * *", catalog.Find("OutboxSweep")!.ScheduleText);
        Assert.True(catalog.Find("OutboxSweep")!.RunOnStartup);
        Assert.Equal("0 30 8 * * 1-5", catalog.Find("DailyStatus")!.ScheduleText);
        Assert.Equal(new QueueTriggerSettings(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), 16, 5, 8), catalog.Host.Queues);
    }

    [Fact]
    public async Task Build_UnparsableFunctionJson_RefusesNamingTheFile()
    {
        string root = TestFunctions.Create(TestFunctions.FastQueuesHostJson, ("Broken", "{ \"bindings\": [ "));
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?> { ["Hub__FunctionsRoot"] = root });

        var error = Assert.Throws<HubStartupException>(() => Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = settings }));

        Assert.Contains(Path.Combine(root, "Broken", "function.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_QueueFunctionWithoutHandler_RefusesNamingTheFile()
    {
        string root = TestFunctions.Create(TestFunctions.FastQueuesHostJson, ("Orphan", TestFunctions.Queue("orphan-queue")));
        Dictionary<string, string?> settings = await TestHub.DefaultSettingsAsync(new Dictionary<string, string?> { ["Hub__FunctionsRoot"] = root });

        var error = Assert.Throws<HubStartupException>(() => Hub.Standalone.HubStandalone.Build(new HubLaunchOptions { Settings = settings }));

        Assert.Equal($"{Path.Combine(root, "Orphan", "function.json")}: Queue function 'Orphan' has no registered IFunctionHandler.", error.Message);
    }

    [Theory]
    [InlineData("""{ "bindings": [ { "type": "queueTrigger", "name": "m", "queueName": "%Missing__Queue%" } ] }""", "'queueName' refers to app setting 'Missing__Queue', which is not set.")]
    [InlineData("""{ "bindings": [ { "type": "queueTrigger", "name": "m", "queueName": "Bad_Name" } ] }""", "queueName 'Bad_Name' is not a valid queue name")]
    [InlineData("""{ "bindings": [ { "type": "timerTrigger", "name": "t", "schedule": "0 0 24 * * *" } ] }""", "schedule '0 0 24 * * *' is invalid: The given cron expression has an invalid format. Hours: Value must be a number between 0 and 23 (all inclusive).")]
    [InlineData("""{ "bindings": [ { "type": "blobTrigger", "name": "b", "path": "x/{name}" } ] }""", "trigger type 'blobTrigger' is not supported")]
    [InlineData("""{ "bindings": [ { "type": "queue", "direction": "out", "name": "o", "queueName": "x" } ] }""", "must have exactly one trigger binding, found 0.")]
    [InlineData("""{ "bindings": [ { "type": "timerTrigger", "schedule": "0 * * * * *" } ] }""", "the timerTrigger binding has no 'name'.")]
    public void Parse_InvalidFunctionJson_NamesFileAndProblem(string json, string expected)
    {
        IConfiguration settings = new ConfigurationBuilder().Build();

        var error = Assert.Throws<FunctionDefinitionException>(
            () => FunctionJsonParser.Parse("F", "functions/F/function.json", json, settings, TimeZoneInfo.Utc));

        Assert.StartsWith("functions/F/function.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SettingReferences_ResolveFromConfiguration()
    {
        IConfiguration settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Hub:Queue"] = "orders", ["Env"] = "test" })
            .Build();
        const string json = """{ "bindings": [ { "type": "queueTrigger", "name": "m", "queueName": "%Hub__Queue%-%Env%", "connection": "Other" } ] }""";

        FunctionDefinition function = FunctionJsonParser.Parse("F", "f.json", json, settings, TimeZoneInfo.Utc);

        Assert.Equal("orders-test", function.QueueName);
        Assert.Equal("Other", function.Connection);
        Assert.Equal("m", function.BindingName);
    }
}
