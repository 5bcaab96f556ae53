using System.Text.Json.Serialization;

namespace Hub.Domain.Intake.Tickets;

/// <summary>
/// The release workflow states of DESIGN 5.2, as the transition API names them. Only validated and recorded here; the
/// release workflow gives them their meaning.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RolloutProgress>))]
public enum RolloutProgress
{
    Submitted,
    Unverified,
    InVerification,
    WaitingForResponse,
    StageRollout,
    Deferred,
    Production,
    Rejected,
    Ignored,
    NotPublished,
    Failed,
}
