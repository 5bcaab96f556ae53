using System.Text.Json;
using Hub.Standalone.TestFunctions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hub.Standalone.Tests;

/// <summary>
/// The Worker.Sdk build of the TestApp writes functions.metadata, which the Functions host runs from; the standalone
/// host reads the same [Function] attributes itself. This test keeps the two from drifting.
/// </summary>
public sealed class MetadataContractTests
{
    [Fact]
    public async Task FunctionsMetadata_EveryFunction_IsExactlyWhatTheStandaloneHostMaps()
    {
        Azurite azurite = await Azurite.SharedAsync();
        Dictionary<string, string?> settings = TestHost.Settings(azurite, tickSchedule: "0 */5 * * * *");
        IReadOnlyList<Contract> generated = ReadMetadata();
        await using WebApplication app = StandaloneHost.Build(new StandaloneHostOptions
        {
            Assemblies = [typeof(Probe).Assembly],
            ContentRoot = TestHost.TestAppFolder,
            Settings = settings,
        });

        List<Contract> mapped = ((IReadOnlyList<MappedFunction>)app.Services.GetService(typeof(IReadOnlyList<MappedFunction>))!)
            .Select(f => new Contract(f.Name, f.TriggerType, f.Route, string.Join(",", f.Methods), f.Schedule, f.QueueName))
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        Dictionary<string, string> routed = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .ToDictionary(
                e => e.DisplayName!,
                e => string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []) + " " + e.RoutePattern.RawText);

        Assert.Equal(["Approval", "Approvals_Start", "Greet", "Items_Get", "Items_Rename", "Startup", "Tick", "Work"], generated.Select(c => c.Name));
        Assert.Equal(generated, mapped);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Approvals_Start"] = "POST /api/approvals/{name}",
                ["Items_Get"] = "GET /api/items/{id:int}",
                ["Items_Rename"] = "PUT,PATCH /api/items/{id:int}/names/{name}",
            },
            routed);
        Assert.Equal("0 */5 * * * *", ((IReadOnlyList<MappedFunction>)app.Services.GetService(typeof(IReadOnlyList<MappedFunction>))!)
            .Single(f => f.Name == "Tick").ResolvedSchedule);
    }

    private static List<Contract> ReadMetadata()
    {
        // The TestApp is built with the same configuration as this test project (a project reference orders it first).
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        string path = Path.Combine(TestHost.TestAppFolder, "bin", configuration, "net10.0", "functions.metadata");
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(path));
        return metadata.RootElement.EnumerateArray().Select(function =>
        {
            JsonElement trigger = function.GetProperty("bindings").EnumerateArray()
                .Single(b => b.GetProperty("direction").GetString() == "In" && b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            string name = function.GetProperty("name").GetString()!;
            string type = trigger.GetProperty("type").GetString()!;
            return new Contract(
                name,
                type,
                type == "httpTrigger" ? Text(trigger, "route") ?? name : null,
                trigger.TryGetProperty("methods", out JsonElement methods)
                    ? string.Join(",", methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()))
                    : "",
                Text(trigger, "schedule"),
                Text(trigger, "queueName"));
        }).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record Contract(string Name, string TriggerType, string? Route, string Methods, string? Schedule, string? QueueName);
}
