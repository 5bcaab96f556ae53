using Hub.Domain.Configuration;

namespace Hub.Functions.Security;

/// <summary>
/// Who called the API: the API key's name (Hub__ApiKeys__&lt;name&gt;) or the App Service principal's name, with
/// their roles. Set by <see cref="Http.HttpFunctionGuard"/> for a function with <see cref="Http.RequireRoleAttribute"/>; a handler calls
/// <see cref="ApiCallerAccess.GetRequiredApiCaller"/> to record the actor. (Not a BindAsync parameter: binding runs
/// before endpoint filters, so it would see no caller yet and answer 400 instead of 401.)
/// </summary>
public sealed record ApiCaller(string Name, IReadOnlySet<Role> Roles)
{
    /// <summary>True when the caller has <paramref name="role"/>; app-admin has every role.</summary>
    public bool Has(Role role) => Roles.Contains(role) || Roles.Contains(Role.AppAdmin);
}
