using Hub.Domain.Configuration;

namespace Hub.Functions.Security;

/// <summary>
/// Who called the API: the API key's name (Hub__ApiKeys__&lt;name&gt;) or the App Service principal's name, with
/// their roles. Set by <see cref="RoleEndpointExtensions.RequireRole"/>; a handler declares an <c>ApiCaller</c>
/// parameter (or calls <see cref="ApiCallerAccess.GetApiCaller"/>) to record the actor.
/// </summary>
public sealed record ApiCaller(string Name, IReadOnlySet<Role> Roles)
{
    /// <summary>True when the caller has <paramref name="role"/>; app-admin has every role.</summary>
    public bool Has(Role role) => Roles.Contains(role) || Roles.Contains(Role.AppAdmin);

    /// <summary>Minimal API binding: the caller authenticated by <see cref="RoleEndpointExtensions.RequireRole"/>.</summary>
    public static ValueTask<ApiCaller?> BindAsync(HttpContext context) => ValueTask.FromResult(context.GetApiCaller());
}
