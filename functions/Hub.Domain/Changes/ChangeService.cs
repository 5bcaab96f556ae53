namespace Hub.Domain.Changes;

/// <summary>
/// The facts of a service's catalog record a change needs, copied into the change when it opens (so a change finishes
/// under the rules it started with): its tiers in order, its time zone (IANA or Windows id), its release windows, its
/// Recipient List, and whether an agent installs it (else each installation is manual, recorded with evidence).
/// </summary>
public sealed record ChangeService(
    string Name,
    IReadOnlyList<ChangeTier> Tiers,
    string TimeZone,
    IReadOnlyList<WeeklyWindow> Windows,
    IReadOnlyList<OneOffSlot> Slots,
    IReadOnlyList<string> RecipientList,
    bool HasAgent = true);
