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
        IReadOnlyList<FunctionContract> generated = FunctionContract.ReadBuiltMetadata(TestHost.TestAppFolder);
        await using WebApplication app = StandaloneHost.Build(new StandaloneHostOptions
        {
            Assemblies = [typeof(Probe).Assembly],
            ContentRoot = TestHost.TestAppFolder,
            Settings = settings,
        });

        List<FunctionContract> mapped = ((IReadOnlyList<MappedFunction>)app.Services.GetService(typeof(IReadOnlyList<MappedFunction>))!)
            .Select(f => FunctionContract.Mapped(f.Name, f.TriggerType, f.Route, f.Methods, f.Schedule, f.QueueName))
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
}
