using System.Collections.Concurrent;
using System.Reflection;
using System.Threading.RateLimiting;
using Hub.Domain.Configuration;
using Hub.Functions.Hosting;
using Hub.Functions.Intake;
using Hub.Functions.Security;
using Microsoft.AspNetCore.Authorization;

namespace Hub.Functions.Http;

/// <summary>
/// What runs around every HTTP function on both hosts (the standalone host's HTTP filter, the Function App's worker
/// middleware): the caller's API key or App Service principal and its roles (<see cref="RequireRoleAttribute"/>),
/// the intake limit, and the answer to an exception: 503 with Retry-After when storage is down or slow, else a
/// 500 problem whose trace id is logged with the exception.
/// </summary>
public sealed class HttpFunctionGuard(ApiCallerAuthenticator authenticator, IntakeLimiter intake, ILogger<HttpFunctionGuard> logger)
{
    private readonly ConcurrentDictionary<MethodInfo, Rule> _rules = new();

    public async Task InvokeAsync(HttpContext http, MethodInfo function, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(next);
        Rule rule = _rules.GetOrAdd(function, RuleFor);
        if (rule.Roles is { } roles && Refusal(http, roles) is { } refusal)
        {
            await refusal.ExecuteAsync(http);
            return;
        }

        using RateLimitLease? lease = rule.Intake ? await intake.AcquireAsync(http.RequestAborted) : null;
        if (lease is { IsAcquired: false })
        {
            http.Response.Headers.RetryAfter = "1";
            await TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Busy",
                detail: "The hub is handling as many deliveries as it can; retry shortly.").ExecuteAsync(http);
            return;
        }

        try
        {
            await next();
        }
        catch (Exception ex) when (!http.Response.HasStarted && !(ex is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            (int status, IResult answer) = ErrorAnswers.For(http, ex);
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                logger.LogWarning("Answered 503 for {Method} {Path} (trace id {TraceId}): {Error}", http.Request.Method, http.Request.Path, http.TraceIdentifier, ex.Message);
            }
            else
            {
                logger.LogError(ex, "Answered 500 for {Method} {Path} (trace id {TraceId})", http.Request.Method, http.Request.Path, http.TraceIdentifier);
            }

            await answer.ExecuteAsync(http);
        }
    }

    /// <summary>
    /// The access rule of an HTTP function, read from its attributes; throws for a function that declares neither
    /// roles nor anonymous access, so a forgotten attribute fails the start and the tests, never opens a route.
    /// </summary>
    public static Rule RuleFor(MethodInfo function)
    {
        ArgumentNullException.ThrowIfNull(function);
        RequireRoleAttribute? roles = function.GetCustomAttribute<RequireRoleAttribute>();
        bool anonymous = function.GetCustomAttribute<AllowAnonymousAttribute>() is not null;
        if (roles is null == !anonymous)
        {
            throw new InvalidOperationException(
                $"HTTP function {function.DeclaringType?.Name}.{function.Name} must declare exactly one of [RequireRole(...)] or [AllowAnonymous].");
        }

        return new Rule(roles?.Roles.ToArray(), function.GetCustomAttribute<IntakeLimitedAttribute>() is not null);
    }

    /// <summary>401 without valid credentials, 403 naming the roles when the caller lacks them; null to let it through.</summary>
    public IResult? Refusal(HttpContext http, IReadOnlyList<Role> roles)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(roles);
        ApiCaller? caller = http.GetApiCaller() ?? authenticator.Authenticate(http);
        if (caller is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: $"Send a valid API key in the {ApiCallerAuthenticator.KeyHeader} header.");
        }

        http.SetApiCaller(caller);
        if (roles.Any(caller.Has))
        {
            return null;
        }

        string needed = roles.Count == 1
            ? $"the role '{RoleNames.Format(roles[0])}'"
            : "one of the roles " + string.Join(", ", roles.Select(r => $"'{RoleNames.Format(r)}'"));
        return TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden",
            detail: $"This needs {needed} (or '{RoleNames.Format(Role.AppAdmin)}'); '{caller.Name}' does not have it.");
    }

    /// <summary>Who may call a function: <see cref="Roles"/> null for anonymous; <see cref="Intake"/> for the intake limit.</summary>
    public sealed record Rule(Role[]? Roles, bool Intake);
}
