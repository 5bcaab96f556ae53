using Hub.Domain.Configuration;
using Hub.Domain.Releases;
using Hub.Functions.Security;

namespace Hub.Functions.Releases;

/// <summary>
/// Which release teams an API caller acts for: integrators are providers, app admins are admins, and the QC and SR
/// teams are the caller names listed under <c>releases.teams</c>.
/// </summary>
public static class ReleaseActors
{
    public static ReleaseActor For(ApiCaller caller, ReleaseWorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(workflow);
        var teams = new List<ReleaseTeam>();
        if (caller.Roles.Contains(Role.Integrator))
        {
            teams.Add(ReleaseTeam.Provider);
        }

        teams.AddRange(ReleaseTeams.Named(caller.Name, workflow));
        if (caller.Roles.Contains(Role.AppAdmin))
        {
            teams.Add(ReleaseTeam.Admin);
        }

        return new ReleaseActor(caller.Name, teams);
    }
}
