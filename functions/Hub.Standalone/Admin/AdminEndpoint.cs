using System.Text.Json;
using Azure.Storage.Queues.Models;
using Hub.Standalone.Discovery;
using Hub.Standalone.Invocation;
using Hub.Standalone.Queues;
using Hub.Standalone.Timers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TimerInfo = Microsoft.Azure.Functions.Worker.TimerInfo;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Standalone.Admin;

/// <summary>
/// <c>POST /admin/functions/{name}</c> with <c>x-functions-key</c> and an optional body <c>{"input": "..."}</c>: runs a
/// timer or queue function now, as the Functions host's admin API does
/// (https://learn.microsoft.com/azure/azure-functions/functions-manually-run-non-http). 202 once the run is started;
/// a queue function gets the input as the message text (dequeue count 1), a timer function a <see cref="TimerInfo"/>
/// without schedule status. 401 when the key check refuses, 404 for an unknown function, 400 for any other trigger
/// or a body that is not JSON, 503 while stopping. The route is the host's, not the app's: it is left out of the
/// app's API description.
/// </summary>
internal static class AdminEndpoint
{
    public const string Pattern = "/admin/functions/{name}";

    /// <param name="services">The application's root services: a run outlives the request that asked for it.</param>
    public static void Map(IEndpointRouteBuilder endpoints, IServiceProvider services, IReadOnlyList<FunctionDefinition> functions, AdminKeyCheck check)
    {
        Dictionary<string, Runnable> runnable = functions
            .Where(f => f.Trigger is Discovery.TimerTrigger or Discovery.QueueTrigger)
            .ToDictionary(f => f.Name, f => new Runnable(f, new FunctionInvoker(f)), StringComparer.OrdinalIgnoreCase);
        var all = functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        endpoints.MapPost(Pattern, (RequestDelegate)(async context =>
        {
            string? key = context.Request.Headers[StandaloneHost.AdminKeyHeader].FirstOrDefault();
            if (!check(string.IsNullOrEmpty(key) ? null : key, context.RequestServices))
            {
                await Problem(context, StatusCodes.Status401Unauthorized, "Unauthorized", $"A valid admin key is required in the {StandaloneHost.AdminKeyHeader} header.").ConfigureAwait(false);
                return;
            }

            string name = Convert.ToString(context.GetRouteValue("name"), System.Globalization.CultureInfo.InvariantCulture) ?? "";
            if (!runnable.TryGetValue(name, out Runnable? function))
            {
                await (all.TryGetValue(name, out FunctionDefinition? other)
                    ? Problem(context, StatusCodes.Status400BadRequest, "Not a timer or queue function",
                        other.Trigger is Discovery.HttpTrigger ? $"'{other.Name}' is an HTTP function; call its route instead." : $"'{other.Name}' is an {other.Trigger.Type} function.")
                    : Problem(context, StatusCodes.Status404NotFound, "Unknown function", $"No function '{name}' is defined.")).ConfigureAwait(false);
                return;
            }

            string? input;
            try
            {
                input = await ReadInputAsync(context.Request).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                await Problem(context, StatusCodes.Status400BadRequest, "Invalid body", e.Message).ConfigureAwait(false);
                return;
            }

            AdminInvocations invocations = services.GetRequiredService<AdminInvocations>();
            TimeProvider time = services.GetRequiredService<TimeProvider>();
            if (!invocations.TryStart(function.Definition.Name, token => function.RunAsync(services, input, time, token)))
            {
                await Problem(context, StatusCodes.Status503ServiceUnavailable, "Shutting down", "The host is stopping.").ConfigureAwait(false);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status202Accepted;
        })).ExcludeFromDescription();
    }

    private static async Task<string?> ReadInputAsync(HttpRequest request)
    {
        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0)
        {
            return null;
        }

        using JsonDocument body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
        return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("input", out JsonElement input)
            ? input.ValueKind switch
            {
                JsonValueKind.String => input.GetString(),
                JsonValueKind.Null => null,
                _ => input.GetRawText(),
            }
            : null;
    }

    private static Task Problem(HttpContext context, int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);

    private sealed record Runnable(FunctionDefinition Definition, FunctionInvoker Invoker)
    {
        public async Task RunAsync(IServiceProvider services, string? input, TimeProvider time, CancellationToken token)
        {
            QueueMessage message = QueuesModelFactory.QueueMessage(Guid.NewGuid().ToString(), "", BinaryData.FromString(input ?? ""), 1, insertedOn: time.GetUtcNow());
            await using AsyncServiceScope scope = services.CreateAsyncScope();
            object?[] arguments = Definition.Trigger is Discovery.TimerTrigger
                ? TimerRunner.Arguments(Definition, new TimerInfo { IsPastDue = false }, scope.ServiceProvider, token)
                : QueueMessageBinder.For(Definition).Select(bind => bind(message, scope.ServiceProvider, token)).ToArray();
            await Invoker.InvokeAsync(scope.ServiceProvider, arguments).ConfigureAwait(false);
        }
    }
}
