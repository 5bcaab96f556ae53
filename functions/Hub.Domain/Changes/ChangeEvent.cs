using System.Text.Json.Serialization;

namespace Hub.Domain.Changes;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ChangeOpened), "opened")]
[JsonDerivedType(typeof(GateDecided), "gate-decided")]
[JsonDerivedType(typeof(PromotionApproved), "promotion-approved")]
[JsonDerivedType(typeof(PromotionWaiting), "promotion-waiting")]
[JsonDerivedType(typeof(PromotionStarted), "promotion-started")]
[JsonDerivedType(typeof(PromotionAbandoned), "promotion-abandoned")]
[JsonDerivedType(typeof(WindowClosedMidChange), "window-closed-mid-change")]
[JsonDerivedType(typeof(InstallationRecorded), "installation-recorded")]
[JsonDerivedType(typeof(RollbackStarted), "rollback-started")]
[JsonDerivedType(typeof(RollbackRecorded), "rollback-recorded")]
[JsonDerivedType(typeof(BuildWithdrawn), "build-withdrawn")]
[JsonDerivedType(typeof(ChangeCancelled), "cancelled")]
public abstract record ChangeEvent(DateTimeOffset At);

public sealed record ChangeOpened(
    long Number, ChangeService Service, string? Version, ChangeKind Kind, string Summary, LoadsetName? Build, bool GateRequired, string Actor, DateTimeOffset At)
    : ChangeEvent(At);

public sealed record GateDecided(bool Approved, string Reason, string Actor, DateTimeOffset At) : ChangeEvent(At);

/// <summary>A promotion was approved; <paramref name="Tag"/> and <paramref name="Branch"/> are the names recorded by it, if any.</summary>
public sealed record PromotionApproved(string Tier, string Actor, string? Tag, string? Branch, DateTimeOffset At) : ChangeEvent(At);

/// <summary>The tier's window is closed: the promotion starts at <paramref name="Opens"/> (a durable timer), inside the window closing at <paramref name="Closes"/>.</summary>
public sealed record PromotionWaiting(string Tier, DateTimeOffset Opens, DateTimeOffset Closes, DateTimeOffset At) : ChangeEvent(At);

/// <summary>The installation on the tier started; <paramref name="WindowCloses"/> when the window it runs in closes, for a windowed tier.</summary>
public sealed record PromotionStarted(string Tier, bool Manual, DateTimeOffset? WindowCloses, DateTimeOffset At) : ChangeEvent(At);

/// <summary>A promotion waiting for its window was given up (its build was withdrawn, or the change cancelled).</summary>
public sealed record PromotionAbandoned(string Tier, string Reason, DateTimeOffset At) : ChangeEvent(At);

/// <summary>The window closed at <paramref name="Closed"/> while the installation on the tier was still running.</summary>
public sealed record WindowClosedMidChange(string Tier, DateTimeOffset Closed, DateTimeOffset At) : ChangeEvent(At);

/// <summary>An installation ended; <paramref name="Vetted"/> when it was the vetting tier's and it succeeded.</summary>
public sealed record InstallationRecorded(string Tier, bool Succeeded, bool Manual, string? Evidence, string? Detail, bool Vetted, string Actor, DateTimeOffset At)
    : ChangeEvent(At);

/// <summary>Restoring <paramref name="Restore"/> on the tier started; <paramref name="Withdrawn"/> when the change's vetted build was marked stale by it.</summary>
public sealed record RollbackStarted(string Tier, LoadsetName Restore, string Reason, bool Withdrawn, string Actor, DateTimeOffset At) : ChangeEvent(At);

public sealed record RollbackRecorded(string Tier, bool Succeeded, string? Evidence, string? Detail, string Actor, DateTimeOffset At) : ChangeEvent(At);

public sealed record BuildWithdrawn(string Reason, string Actor, DateTimeOffset At) : ChangeEvent(At);

public sealed record ChangeCancelled(string Reason, string Actor, DateTimeOffset At) : ChangeEvent(At);
