using Hub.Domain.Intake.Tickets;

namespace Hub.Domain.Releases;

/// <summary>
/// The repository areas (blob name prefixes) a release's artifacts live in: <c>sw/unverified/&lt;dist&gt;/&lt;version&gt;/</c>
/// until verification, <c>sw/stagerollout/&lt;dist&gt;/&lt;version&gt;/</c> during staged rollout, then
/// <c>sw/production/&lt;major&gt;/base|updates/&lt;dist&gt;/&lt;version&gt;/</c>.
/// </summary>
public static class ReleaseAreas
{
    public const string Root = "sw/";

    public static string Unverified(ReleaseMetadata m) => $"{Root}unverified/{Segment(m.DistributionShortName)}/{Segment(m.Version)}/";

    public static string StageRollout(ReleaseMetadata m) => $"{Root}stagerollout/{Segment(m.DistributionShortName)}/{Segment(m.Version)}/";

    public static string Production(ReleaseMetadata m) =>
        $"{Root}production/{Segment(m.AssociatedMajorRelease)}/{(m.ReleaseType == ReleaseType.NonIncremental ? "base" : "updates")}/{Segment(m.DistributionShortName)}/{Segment(m.Version)}/";

    /// <summary>The area a release in <paramref name="state"/> keeps its artifacts in, or null (none yet, or closed without publishing).</summary>
    public static string? For(RolloutProgress state, ReleaseMetadata m) => state switch
    {
        RolloutProgress.Unverified or RolloutProgress.InVerification or RolloutProgress.WaitingForResponse or RolloutProgress.Deferred => Unverified(m),
        RolloutProgress.StageRollout => StageRollout(m),
        RolloutProgress.Production => Production(m),
        _ => null,
    };

    // The XSD already restricts these names; this keeps a bad one from ever forming another path.
    private static string Segment(string value) => value.Replace("/", "_", StringComparison.Ordinal).Replace("..", "_", StringComparison.Ordinal);
}

/// <summary>
/// The payload of a <c>release.artifacts</c> side effect: place the packages into the Unverified area (freezing
/// release.xml first), or move them from one area to another by server-side copy then delete. Resumable: a repeat
/// skips what is already done.
/// </summary>
/// <param name="Operation"><c>place</c> or <c>move</c>.</param>
/// <param name="DraftBlob">The provider's uploaded release.xml, copied to <paramref name="FrozenBlob"/> once (place).</param>
/// <param name="ReleaseXmlUrl">Where to fetch release.xml when none was uploaded (place).</param>
/// <param name="FromArea">The area the packages leave (move).</param>
/// <param name="ToArea">The area the packages go to; for place, computed from the frozen release.xml when null.</param>
/// <param name="Target">The state this step is for (the outcome names it back); a place step always fills the Unverified area.</param>
public sealed record ArtifactWork(
    long Release,
    string Operation,
    string? DraftBlob,
    string FrozenBlob,
    string? ReleaseXmlUrl,
    string? SyncUrl,
    string? FromArea,
    string? ToArea,
    RolloutProgress Target,
    IReadOnlyList<ReleasePackage> Packages)
{
    public const string EffectKind = "release.artifacts";
    public const string Place = "place";
    public const string Move = "move";
}
