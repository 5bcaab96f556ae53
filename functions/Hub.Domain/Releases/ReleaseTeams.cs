using Hub.Domain.Configuration;

namespace Hub.Domain.Releases;

public static class ReleaseTeams
{
    /// <summary>The QC and SR teams a name (an API caller, or <c>tickets:&lt;system&gt;</c>) is listed in.</summary>
    public static IReadOnlyList<ReleaseTeam> Named(string name, ReleaseWorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var teams = new List<ReleaseTeam>();
        if (workflow.QcTeam.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            teams.Add(ReleaseTeam.Qc);
        }

        if (workflow.SrTeam.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            teams.Add(ReleaseTeam.Sr);
        }

        return teams;
    }
}
