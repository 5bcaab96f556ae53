using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Functions.Functions;

/// <summary>
/// Custom-handler mode: the Functions host invokes non-HTTP functions as <c>POST /{FunctionName}</c>.
/// Only mapped in that mode, where Kestrel listens on loopback for the host alone.
/// </summary>
public static class InvocationEndpoints
{
    public static RouteHandlerBuilder MapInvocationEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/{functionName}", InvokeAsync).WithTags("Invocations").ExcludeFromDescription();

    private static async Task<Results<Ok<InvocationResponse>, JsonHttpResult<InvocationResponse>, ProblemHttpResult>> InvokeAsync(
        string functionName, HttpRequest request, FunctionCatalog catalog, FunctionInvoker invoker, CancellationToken ct)
    {
        FunctionDefinition? function = catalog.Find(functionName);
        if (function is null || function.Trigger == TriggerKind.Http)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "Unknown function", detail: $"No non-HTTP function '{functionName}' is defined.");
        }

        FunctionInvocation invocation;
        try
        {
            using JsonDocument payload = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            invocation = InvocationRequest.Read(function, payload.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid invocation payload", detail: ex.Message);
        }

        InvocationOutcome outcome = await invoker.InvokeAsync(invocation, ct);
        if (outcome.Result is { } result)
        {
            return TypedResults.Ok(new InvocationResponse(result.Outputs, result.Logs, result.ReturnValue));
        }

        // The host only needs to know it failed (and why, for its logs); the stack trace stays in our own log.
        string failure = $"Function '{function.Name}' failed: {outcome.Error!.GetType().Name}: {outcome.Error.Message}";
        return TypedResults.Json(
            new InvocationResponse(new Dictionary<string, object?>(), [failure], null), statusCode: StatusCodes.Status500InternalServerError);
    }
}
