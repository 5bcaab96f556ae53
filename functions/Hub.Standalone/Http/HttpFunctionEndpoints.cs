using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Hub.Standalone.Discovery;
using Hub.Standalone.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using FromBody = Microsoft.Azure.Functions.Worker.Http.FromBodyAttribute;

namespace Hub.Standalone.Http;

/// <summary>
/// Maps each <c>[HttpTrigger]</c> function onto a Kestrel endpoint, as the ASP.NET Core integration of the isolated
/// worker runs it: <see cref="HttpRequest"/> in, <see cref="IActionResult"/> or <see cref="IResult"/> out, route values
/// bound to parameters of the same name, the request's <see cref="CancellationToken"/>.
/// </summary>
internal static class HttpFunctionEndpoints
{
    private delegate ValueTask<object?> Binder(HttpContext context);

    public static string Pattern(string routePrefix, FunctionDefinition function, HttpTrigger trigger)
    {
        string route = (trigger.Route ?? function.Name).Trim('/');
        string prefix = routePrefix.Trim('/');
        return "/" + (prefix.Length == 0 ? route : prefix + "/" + route);
    }

    public static void Map(IEndpointRouteBuilder endpoints, IEnumerable<FunctionDefinition> functions, string routePrefix, HttpFunctionFilter? filter = null)
    {
        foreach (FunctionDefinition function in functions)
        {
            if (function.Trigger is not HttpTrigger trigger)
            {
                continue;
            }

            var invoker = new FunctionInvoker(function);
            Binder[] binders = function.Method.GetParameters().Select(p => BinderFor(function, p)).ToArray();
            RequestDelegate invoke = async context =>
            {
                object?[] arguments = new object?[binders.Length];
                for (int i = 0; i < binders.Length; i++)
                {
                    arguments[i] = await binders[i](context).ConfigureAwait(false);
                }

                object? result = await invoker.InvokeAsync(context.RequestServices, arguments).ConfigureAwait(false);
                await WriteAsync(context, result).ConfigureAwait(false);
            };
            MethodInfo method = function.Method;
            RequestDelegate handler = filter is null ? invoke : context => filter(context, method, () => invoke(context));

            string pattern = Pattern(routePrefix, function, trigger);
            IEndpointConventionBuilder endpoint = trigger.Methods.Count == 0
                ? endpoints.Map(pattern, handler)
                : endpoints.MapMethods(pattern, trigger.Methods, handler);
            // The method and its attributes are the endpoint's metadata, as a minimal API's are: ApiExplorer (and so an
            // OpenAPI document) describes the function from its route parameters, [EndpointSummary], [Tags],
            // [ProducesResponseType] and [Consumes], and filters can read the app's own attributes.
            endpoint.WithDisplayName(function.Name).WithName(function.Name).WithMetadata(method).WithMetadata([.. method.GetCustomAttributes(inherit: true)]);
        }
    }

    private static Binder BinderFor(FunctionDefinition function, ParameterInfo parameter)
    {
        Type type = parameter.ParameterType;
        if (type == typeof(HttpRequest))
        {
            return context => ValueTask.FromResult<object?>(context.Request);
        }

        if (type == typeof(CancellationToken))
        {
            return context => ValueTask.FromResult<object?>(context.RequestAborted);
        }

        if (Invocation.DurableClientBinding.Is(parameter))
        {
            return context => ValueTask.FromResult<object?>(Invocation.DurableClientBinding.Resolve(context.RequestServices));
        }

        if (parameter.GetCustomAttribute<FromBody>() is not null)
        {
            return async context =>
            {
                JsonSerializerOptions options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
                return await JsonSerializer.DeserializeAsync(context.Request.Body, type, options, context.RequestAborted).ConfigureAwait(false);
            };
        }

        string name = parameter.Name!;
        TypeConverter converter = TypeDescriptor.GetConverter(type);
        bool routeParameter = function.Trigger is HttpTrigger { Route: { } route }
            && Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(route).GetParameter(name) is not null;
        if (!routeParameter || !converter.CanConvertFrom(typeof(string)))
        {
            throw new InvalidOperationException(
                $"Parameter '{name}' of function '{function.Name}' cannot be bound by the standalone host: HTTP functions take " +
                "HttpRequest, CancellationToken, [DurableClient], a [FromBody] value and route parameters by name (keep FunctionContext out).");
        }

        return context => ValueTask.FromResult(
            context.GetRouteValue(name) is { } value
                ? converter.ConvertFrom(null, CultureInfo.InvariantCulture, Convert.ToString(value, CultureInfo.InvariantCulture)!)
                : parameter.HasDefaultValue ? parameter.DefaultValue : null);
    }

    private static Task WriteAsync(HttpContext context, object? result) => result switch
    {
        IResult typed => typed.ExecuteAsync(context),
        IActionResult action => action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor())),
        // A function that returns nothing leaves the response as it wrote it (200 and an empty body unless it set them).
        null => Task.CompletedTask,
        _ => Results.Ok(result).ExecuteAsync(context),
    };
}
