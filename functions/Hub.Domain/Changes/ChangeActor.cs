using System.Text.Json.Serialization;

namespace Hub.Domain.Changes;

/// <summary>The groups the system access rules and the gate know (DESIGN 5.4).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeTeam>))]
public enum ChangeTeam
{
    /// <summary>Developers: DEV and TEST only.</summary>
    Developer,

    /// <summary>System integrators (<c>isda-integrators</c>): every tier.</summary>
    SystemIntegrator,

    /// <summary>Pipeline planning (<c>isda-pipeline</c>): decides the gate.</summary>
    PipelinePlanning,

    /// <summary>The hub itself: window timers, agent outcomes.</summary>
    Hub,
}

/// <summary>Who issues a change command, and the groups they act for (decided by the HTTP layer from roles and contact lists).</summary>
public sealed record ChangeActor(string Name, IReadOnlyList<ChangeTeam> Teams)
{
    public static ChangeActor Hub { get; } = new("system", [ChangeTeam.Hub]);

    public bool IsIn(ChangeTeam team) => Teams.Contains(team);

    /// <summary>Whether the system access rules let this actor deploy to (or roll back) <paramref name="tier"/>.</summary>
    public bool MayDeployTo(ChangeTier tier)
    {
        ArgumentNullException.ThrowIfNull(tier);
        return IsIn(ChangeTeam.SystemIntegrator) || (!tier.ProductionLike && IsIn(ChangeTeam.Developer));
    }
}
