using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Standalone.TestFunctions;

public sealed class ItemFunctions(Probe probe)
{
    [Function("Items_Get")]
    public IActionResult Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "items/{id:int}")] HttpRequest request, int id, CancellationToken cancellationToken)
    {
        probe.Record("http", $"get {id} cancellable={cancellationToken.CanBeCanceled}");
        return new OkObjectResult(new ItemView(id, request.Query["q"].ToString()));
    }

    [Function("Items_Rename")]
    public IResult Rename(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", "patch", Route = "items/{id:int}/names/{name}")] HttpRequest request, int id, string name)
    {
        probe.Record("http", $"{request.Method} {id} {name}");
        return Results.Created($"/api/items/{id}", new ItemView(id, name));
    }
}
