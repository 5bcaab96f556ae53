using Hub.Domain.Configuration;

namespace Hub.Functions.Security;

public static class RoleEndpointExtensions
{
    /// <summary>
    /// Lets a request through only for a caller with one of <paramref name="anyOf"/> (app-admin passes every check):
    /// no or invalid credentials answer a 401 problem, a caller without the role a 403 problem naming the role.
    /// </summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, params Role[] anyOf)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(anyOf);
        if (anyOf.Length == 0)
        {
            throw new ArgumentException("Name at least one role.", nameof(anyOf));
        }

        Role[] roles = [.. anyOf];
        string needed = roles.Length == 1
            ? $"the role '{RoleNames.Format(roles[0])}'"
            : "one of the roles " + string.Join(", ", roles.Select(r => $"'{RoleNames.Format(r)}'"));
        builder.WithMetadata(new OpenApi.RequiredRoles(roles));
        return builder.AddEndpointFilter(async (context, next) =>
        {
            HttpContext http = context.HttpContext;
            ApiCaller? caller = http.GetApiCaller() ?? http.RequestServices.GetRequiredService<ApiCallerAuthenticator>().Authenticate(http);
            if (caller is null)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Unauthorized",
                    detail: $"Send a valid API key in the {ApiCallerAuthenticator.KeyHeader} header.");
            }

            http.SetApiCaller(caller);
            if (!roles.Any(caller.Has))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Forbidden",
                    detail: $"This needs {needed} (or '{RoleNames.Format(Role.AppAdmin)}'); '{caller.Name}' does not have it.");
            }

            return await next(context);
        });
    }
}
