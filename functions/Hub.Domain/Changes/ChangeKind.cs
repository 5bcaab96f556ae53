using System.Text.Json.Serialization;

namespace Hub.Domain.Changes;

/// <summary>
/// What a change request is (the MIT ISDA manual's categories). <see cref="NewSystem"/>, <see cref="Enhancement"/> and
/// <see cref="LongTermFix"/> pass the pipeline-planning gate; <see cref="Fix"/> (a short-term fix: restore service now,
/// the lasting resolution follows as a LongTermFix) and <see cref="Emergency"/> skip it, and an emergency stays
/// flagged in every notification and in the calendar. Both still need the tier order, the roles, the release
/// windows and a vetted build for production: an emergency that cannot wait asks for a one-off slot.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeKind>))]
public enum ChangeKind
{
    NewSystem,
    Enhancement,
    Fix,
    LongTermFix,
    Emergency,
}
