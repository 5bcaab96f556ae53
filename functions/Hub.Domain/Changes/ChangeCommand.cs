using System.Text.Json.Serialization;

namespace Hub.Domain.Changes;

/// <summary>A command to a change request (kind "change", id = its ProductionDeploy ticket number). Serialized with a "type" discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(OpenChange), "open")]
[JsonDerivedType(typeof(DecideGate), "gate")]
[JsonDerivedType(typeof(RequestPromotion), "promote")]
[JsonDerivedType(typeof(WindowOpened), "window-opened")]
[JsonDerivedType(typeof(WindowClosed), "window-closed")]
[JsonDerivedType(typeof(RecordInstallation), "installation")]
[JsonDerivedType(typeof(RequestRollback), "rollback")]
[JsonDerivedType(typeof(WithdrawBuild), "withdraw-build")]
[JsonDerivedType(typeof(CancelChange), "cancel")]
public abstract record ChangeCommand(ChangeActor Actor);

/// <summary>
/// Opens change <paramref name="Number"/> for <paramref name="Service"/>; unless <paramref name="TicketExists"/> (mail
/// intake made it), its ticket is created in ProductionDeploy. <paramref name="Build"/> is the loadset it delivers,
/// when known: the one recorded in the library when STAGE vets it.
/// </summary>
public sealed record OpenChange(
    ChangeActor Actor,
    long Number,
    ChangeService Service,
    string? Version,
    ChangeKind Kind,
    string Summary,
    LoadsetName? Build = null,
    bool TicketExists = false) : ChangeCommand(Actor);

/// <summary>isda-pipeline approves or declines the change, with a reason.</summary>
public sealed record DecideGate(ChangeActor Actor, bool Approve, string Reason) : ChangeCommand(Actor);

/// <summary>Promote the change to <paramref name="Tier"/>, the next of its tiers.</summary>
public sealed record RequestPromotion(ChangeActor Actor, string Tier) : ChangeCommand(Actor);

/// <summary>The window a promotion to <paramref name="Tier"/> waited for was due to open at <paramref name="Due"/> (a timer).</summary>
public sealed record WindowOpened(ChangeActor Actor, string Tier, DateTimeOffset Due) : ChangeCommand(Actor);

/// <summary>The window an installation on <paramref name="Tier"/> started in was due to close at <paramref name="Due"/> (a timer).</summary>
public sealed record WindowClosed(ChangeActor Actor, string Tier, DateTimeOffset Due) : ChangeCommand(Actor);

/// <summary>
/// How the installation (or rollback) on <paramref name="Tier"/> ended: reported by the hub from the site run, or by a
/// person for a manual installation, with <paramref name="Evidence"/> (a log, a screenshot link, the run sheet).
/// </summary>
public sealed record RecordInstallation(ChangeActor Actor, string Tier, bool Succeeded, string? Evidence = null, string? Detail = null) : ChangeCommand(Actor);

/// <summary>
/// Restore the last-known-good build on the change's current tier. <paramref name="LastKnownGood"/> is what the
/// definitive software library's <c>current</c> names for the service when the command is sent (the runtime reads it).
/// </summary>
public sealed record RequestRollback(ChangeActor Actor, string Reason, LoadsetName? LastKnownGood) : ChangeCommand(Actor);

/// <summary>A defect found after STAGE vetted the build: the library marks it stale and production may no longer take it.</summary>
public sealed record WithdrawBuild(ChangeActor Actor, string Reason) : ChangeCommand(Actor);

public sealed record CancelChange(ChangeActor Actor, string Reason) : ChangeCommand(Actor);
