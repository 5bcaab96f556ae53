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
/// middleware): the caller's API key or App Service principal and its roles (<see cref="RequireRoleAttribute"/>) or
/// the admin key (<see cref="AdminKeyRequiredAttribute"/>), the content types the function declares, the intake
/// limit and deadline (<see cref="IntakeLimiter"/>), and the answer to an exception: 503 with Retry-After when storage
/// is down or slow, else a 500 problem whose trace id is logged with the exception.
/// </summary>
public sealed class HttpFunctionGuard(ApiCallerAuthenticator authenticator, IntakeLimiter intake, HubOptions options, ILogger<HttpFunctionGuard> logger)
{
    private readonly ConcurrentDictionary<MethodInfo, Rule> _rules = new();

    public async Task InvokeAsync(HttpContext http, MethodInfo function, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(next);
        Rule rule = _rules.GetOrAdd(function, RuleFor);
        IResult? refusal = rule.Roles is { } roles ? Refusal(http, roles)
            : rule.AdminKey ? AdminKeyRefusal(http)
            : null;
        if ((refusal ?? UnsupportedMediaType(http, rule)) is { } refused)
        {
            await refused.ExecuteAsync(http);
            return;
        }

        // An intake function sees its deadline as the request's token (what its CancellationToken is bound to
        // standalone): storage that hangs is given up at the deadline and answered 503 below, as one that fails.
        CancellationToken aborted = http.RequestAborted;
        using IntakeDeadline? deadline = rule.Intake ? intake.StartDeadline(aborted) : null;
        if (deadline is not null)
        {
            http.RequestAborted = deadline.Token;
        }

        try
        {
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

            await next();
        }
        catch (Exception ex) when (!http.Response.HasStarted && !(ex is OperationCanceledException && aborted.IsCancellationRequested))
        {
            // A cancellation that is not the caller's (the deadline, a storage timeout) is storage being slow: 503.
            http.RequestAborted = aborted;
            (int status, IResult answer) = ErrorAnswers.For(http, ex);
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                string error = ex is OperationCanceledException && deadline is { Token.IsCancellationRequested: true }
                    ? $"not stored within the intake timeout of {intake.Timeout}"
                    : ex.Message;
                logger.LogWarning("Answered 503 for {Method} {Path} (trace id {TraceId}): {Error}", http.Request.Method, http.Request.Path, StorageExceptionHandler.TraceId(http), error);
            }
            else
            {
                logger.LogError(ex, "Answered 500 for {Method} {Path} (trace id {TraceId})", http.Request.Method, http.Request.Path, StorageExceptionHandler.TraceId(http));
            }

            await answer.ExecuteAsync(http);
        }
        finally
        {
            http.RequestAborted = aborted;
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
        bool adminKey = function.GetCustomAttribute<AdminKeyRequiredAttribute>() is not null;
        bool anonymous = function.GetCustomAttribute<AllowAnonymousAttribute>() is not null;
        if ((roles is null ? 0 : 1) + (adminKey ? 1 : 0) + (anonymous ? 1 : 0) != 1)
        {
            throw new InvalidOperationException(
                $"HTTP function {function.DeclaringType?.Name}.{function.Name} must declare exactly one of [RequireRole(...)], [AdminKeyRequired] or [AllowAnonymous].");
        }

        // [Consumes]/[Accepts] are routing metadata on the standalone host only; the guard enforces them on both.
        string[] accepts = function.GetCustomAttributes().OfType<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()
            .SelectMany(a => a.ContentTypes).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        return new Rule(roles?.Roles.ToArray(), function.GetCustomAttribute<IntakeLimitedAttribute>() is not null, adminKey, accepts);
    }

    /// <summary>Checks every HTTP function of <paramref name="functions"/> (see <see cref="RuleFor"/>), so a missing access attribute stops the start.</summary>
    public static void Verify(IEnumerable<MethodInfo> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        foreach (MethodInfo function in functions)
        {
            _ = RuleFor(function);
        }
    }

    /// <summary>The hub's HTTP functions: every <c>[Function]</c> method with an <c>[HttpTrigger]</c> parameter in this assembly.</summary>
    public static IEnumerable<MethodInfo> HttpFunctionsOf(Assembly assembly) =>
        (assembly ?? throw new ArgumentNullException(nameof(assembly))).GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>() is not null
                        && m.GetParameters().Any(p => p.GetCustomAttribute<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>() is not null));

    private Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? AdminKeyRefusal(HttpContext http) =>
        Admin.AdminKey.Matches(http.Request.Headers[Admin.AdminKey.Header], options.AdminKey)
            ? null
            : TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: $"A valid admin key is required in the {Admin.AdminKey.Header} header.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? UnsupportedMediaType(HttpContext http, Rule rule)
    {
        if (rule.Accepts.Length == 0 || rule.Accepts.Contains("*/*"))
        {
            return null;
        }

        // As ASP.NET Core's routing decides (AcceptsMatcherPolicy): a request without a Content-Type is not refused
        // here; the function reads what it was sent (and RequestJson refuses a JSON body that does not say so).
        string? sent = http.Request.ContentType;
        if (string.IsNullOrEmpty(sent))
        {
            return null;
        }

        bool matches = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(sent, out var type)
            && rule.Accepts.Any(a => Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(a, out var accepted) && type.IsSubsetOf(accepted));
        return matches
            ? null
            : TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: $"Send the body as {string.Join(" or ", rule.Accepts)}, not '{sent}'.");
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

    /// <summary>
    /// Who may call a function: <see cref="Roles"/> (null when it takes none), or the admin key, else anonymous;
    /// <see cref="Intake"/> for the intake limit; <see cref="Accepts"/> the content types it takes (empty: any).
    /// </summary>
    public sealed record Rule(Role[]? Roles, bool Intake, bool AdminKey, string[] Accepts);
}
