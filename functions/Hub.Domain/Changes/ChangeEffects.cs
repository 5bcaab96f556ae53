using System.Text.Json;
using Hub.Domain.Durable;

namespace Hub.Domain.Changes;

/// <summary>
/// The payload of a <c>change.install</c> effect: install <paramref name="Build"/> (or the version) on the tier's nodes
/// through the service's agent (a site Update), or, when <paramref name="Manual"/>, ask people to install it and record
/// the outcome with evidence. A <paramref name="Rollback"/> installs the last-known-good build instead. The outcome
/// comes back as <see cref="RecordInstallation"/>.
/// </summary>
public sealed record ChangeInstallation(long Change, string Service, string Tier, string? Version, LoadsetName? Build, bool Manual, bool Rollback)
{
    public const string EffectKind = "change.install";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public SideEffect Effect() => new(EffectKind, JsonSerializer.Serialize(this, Json));
}

/// <summary>
/// The payload of a <c>change.library</c> effect: record <paramref name="Loadset"/> in the definitive software library
/// under its status (stable when STAGE vetted it, stale when it is withdrawn or rolled back); the library then points
/// <c>current</c> at the newest stable bin (<see cref="Loadsets.Current"/>).
/// </summary>
public sealed record LibraryUpdate(string Service, LoadsetName Loadset, long Change, string Reason)
{
    public const string EffectKind = "change.library";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public SideEffect Effect() => new(EffectKind, JsonSerializer.Serialize(this, Json));
}
