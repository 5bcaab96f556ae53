using System.Text.Json.Serialization;

namespace Hub.Domain.Changes;

/// <summary>The rule a refused change command broke; the HTTP layer maps it to 404, 409 or 422 in one place.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeRule>))]
public enum ChangeRule
{
    /// <summary>The command names no existing change (404).</summary>
    NotFound,

    /// <summary>A change with this number exists (409).</summary>
    AlreadyExists,

    /// <summary>A field of the command is malformed (422): the refusal's field names it.</summary>
    InvalidField,

    /// <summary>The change is declined, cancelled or rolled back (409).</summary>
    Closed,

    /// <summary>Fixes and emergencies skip the pipeline-planning gate (409).</summary>
    GateNotRequired,

    /// <summary>The gate was decided already (409).</summary>
    GateDecided,

    /// <summary>The change waits for the pipeline-planning gate (409).</summary>
    AwaitingGate,

    /// <summary>Only isda-pipeline decides the gate (409).</summary>
    PipelineOnly,

    /// <summary>A promotion or rollback is waiting or running (409).</summary>
    InProgress,

    /// <summary>The tier is not one of the change's (422).</summary>
    UnknownTier,

    /// <summary>Tiers are passed in the service's order, never skipping one (409).</summary>
    TierOrder,

    /// <summary>Developers act on DEV/TEST only; system integrators on every tier (409).</summary>
    SystemAccess,

    /// <summary>A production tier takes only a build the vetting tier (STAGE) vetted (409).</summary>
    UnvettedBuild,

    /// <summary>No release window opens for the service any more (409).</summary>
    NoReleaseWindow,

    /// <summary>No installation is running on that tier (409).</summary>
    NoInstallation,

    /// <summary>The service's agent reports installation outcomes, not a person (409).</summary>
    AgentReports,

    /// <summary>A manual installation is recorded with its evidence (422).</summary>
    EvidenceRequired,

    /// <summary>Nothing is installed by this change that a rollback could undo (409).</summary>
    NothingToRollBack,

    /// <summary>The library has no last-known-good build to restore, or it is the build being rolled back (409).</summary>
    NoLastKnownGood,

    /// <summary>The build is not vetted, so there is nothing to withdraw (409).</summary>
    NotVetted,

    /// <summary>The actor may not cancel the change (409).</summary>
    CancelNotAllowed,

    /// <summary>The command type is unknown (422).</summary>
    UnknownCommand,
}

/// <summary>A refused change command: the rule, the field or part it concerns, and a sentence a person can act on.</summary>
public sealed record ChangeRefusal(ChangeRule Rule, string Field, string Message)
{
    public override string ToString() => Message;
}
