using System.Text.Json.Serialization;

namespace Hub.Domain.Releases;

/// <summary>The groups that may move a release (DESIGN 5.2): the provider, the QC team, the staged-rollout team, admins, and the hub itself.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReleaseTeam>))]
public enum ReleaseTeam
{
    Provider,
    Qc,
    Sr,
    Admin,
    System,
}

/// <summary>Who issues a release command, and the teams they act for (decided by the HTTP layer from roles and configuration).</summary>
public sealed record ReleaseActor(string Name, IReadOnlyList<ReleaseTeam> Teams)
{
    /// <summary>The hub itself: slot promotions, artifact outcomes, deadlines.</summary>
    public static ReleaseActor Hub { get; } = new("system", [ReleaseTeam.System]);

    public bool IsIn(ReleaseTeam team) => Teams.Contains(team);

    public bool IsAnyOf(IEnumerable<ReleaseTeam> teams) => teams.Any(IsIn);
}
