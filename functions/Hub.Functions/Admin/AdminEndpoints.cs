using Hub.Functions.Functions;
using Hub.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Hub.Functions.Admin;

/// <summary>
/// Runs a non-HTTP function now, like the Functions host's admin API.
/// https://learn.microsoft.com/azure/azure-functions/functions-manually-run-non-http
/// </summary>
public static class AdminEndpoints
{
    public const string KeyHeader = "x-functions-key";

    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder admin = app.MapGroup("/admin").WithTags("Admin").WithMetadata(new OpenApi.AdminKeyRequired());
        admin.MapPost("/functions/{functionName}", InvokeAsync)
            .WithSummary("Run a non-HTTP function now (timer or queue), like the Functions host's admin API");
        return admin;
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> InvokeAsync(
        string functionName,
        HttpRequest request,
        FunctionCatalog catalog,
        AdminInvocations queue,
        IOptions<HubOptions> options,
        TimeProvider clock)
    {
        if (!AdminKeyCheck.Matches(request.Headers[KeyHeader], options.Value.AdminKey))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: $"A valid admin key is required in the {KeyHeader} header.");
        }

        FunctionDefinition? function = catalog.Find(functionName);
        if (function is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown function", detail: $"No function '{functionName}' is defined.");
        }

        if (function.Trigger == TriggerKind.Http)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest, title: "HTTP function", detail: $"'{function.Name}' is an HTTP function; call its route instead.");
        }

        AdminInvokeRequest? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await request.ReadFromJsonAsync<AdminInvokeRequest>(request.HttpContext.RequestAborted);
            }
            catch (System.Text.Json.JsonException ex)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid body", detail: ex.Message);
            }
        }

        DateTimeOffset now = clock.GetUtcNow();
        var metadata = new Dictionary<string, string>
        {
            ["sys.MethodName"] = function.Name,
            ["sys.UtcNow"] = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["sys.RandGuid"] = Guid.NewGuid().ToString(),
        };
        TimerInfo? timer = function.Trigger == TriggerKind.Timer ? new TimerInfo(function.ScheduleText ?? "", null, false) : null;
        var invocation = new FunctionInvocation(function.Name, function.Trigger, function.BindingName, body?.Input, timer, metadata, InvocationSource.Admin);
        if (!queue.TryEnqueue(invocation))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Shutting down");
        }

        return TypedResults.Accepted((string?)null);
    }
}
