using Hub.Domain.Configuration;

namespace Hub.Functions.Security;

/// <summary>Roles as settings and principals spell them (DESIGN section 6): integrator, operator, developer, app-admin, logs-reader, and pipeline (isda-pipeline, the change gate).</summary>
public static class RoleNames
{
    private static readonly Dictionary<string, Role> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["integrator"] = Role.Integrator,
        ["operator"] = Role.Operator,
        ["developer"] = Role.Developer,
        ["app-admin"] = Role.AppAdmin,
        ["logs-reader"] = Role.LogsReader,
        ["pipeline"] = Role.Pipeline,
    };

    public static string All => string.Join(", ", ByName.Keys);

    public static bool TryParse(string? name, out Role role) => ByName.TryGetValue(name?.Trim() ?? "", out role);

    public static string Format(Role role) => ByName.First(p => p.Value == role).Key;
}
