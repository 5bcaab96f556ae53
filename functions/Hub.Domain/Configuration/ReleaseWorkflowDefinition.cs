using Hub.Domain.Intake.Tickets;

namespace Hub.Domain.Configuration;

/// <summary>
/// The release workflow's settings (the <c>releases:</c> section): the queue of release tickets, who is notified in
/// each RolloutProgress state, the standing owner of each state, the teams allowed to move releases, the early-adopter
/// teams and the per-state deadlines. Defaults follow DESIGN 5.2.
/// </summary>
/// <param name="Queue">The queue release tickets live in.</param>
/// <param name="Notify">State -> recipients: contact list names, or <c>provider</c>, <c>release-manager</c>,
/// <c>early-adopters</c> (every early-adopter team's address), <c>owner</c>, or a mail address.</param>
/// <param name="AdminCc">Contact lists that are AdminCc on every release (always told, whatever the state).</param>
/// <param name="Owners">State -> the standing assignee entering that state; states not listed keep their owner.</param>
/// <param name="QcTeam">API caller names (or <c>tickets:&lt;system&gt;</c>) acting as the QC team.</param>
/// <param name="SrTeam">API caller names (or <c>tickets:&lt;system&gt;</c>) acting as the staged-rollout team.</param>
/// <param name="Deadlines">State -> how long a release may stay in it before its owner and AdminCc are reminded.</param>
/// <param name="EmergencyDeadlines">The shortened deadlines of an emergency release.</param>
public sealed record ReleaseWorkflowDefinition(
    string Queue,
    IReadOnlyDictionary<RolloutProgress, IReadOnlyList<string>> Notify,
    IReadOnlyList<string> AdminCc,
    IReadOnlyDictionary<RolloutProgress, string> Owners,
    string? ReleaseManager,
    IReadOnlyList<string> QcTeam,
    IReadOnlyList<string> SrTeam,
    IReadOnlyList<EarlyAdopterTeam> EarlyAdopters,
    IReadOnlyDictionary<RolloutProgress, TimeSpan> Deadlines,
    IReadOnlyDictionary<RolloutProgress, TimeSpan> EmergencyDeadlines,
    ReleaseFetchLimits Fetch)
{
    public const string Provider = "provider";
    public const string ReleaseManagerToken = "release-manager";
    public const string EarlyAdoptersToken = "early-adopters";
    public const string OwnerToken = "owner";

    /// <summary>The DESIGN 5.2 defaults, used when the configuration has no <c>releases:</c> section.</summary>
    public static ReleaseWorkflowDefinition Default { get; } = new(
        "sw-rel",
        new Dictionary<RolloutProgress, IReadOnlyList<string>>
        {
            [RolloutProgress.Submitted] = [Provider],
            [RolloutProgress.Unverified] = ["sw-rel-qc"],
            [RolloutProgress.InVerification] = [OwnerToken],
            [RolloutProgress.WaitingForResponse] = [Provider],
            [RolloutProgress.StageRollout] = ["sw-rel-sr", EarlyAdoptersToken],
            [RolloutProgress.Deferred] = [Provider, "sw-rel-sr"],
            [RolloutProgress.Production] = ["sw-rel-production", Provider, ReleaseManagerToken],
            [RolloutProgress.Rejected] = [Provider],
            [RolloutProgress.Ignored] = [Provider],
            [RolloutProgress.NotPublished] = [Provider],
            [RolloutProgress.Failed] = [OwnerToken, Provider],
        },
        ["sw-rel-admin"],
        new Dictionary<RolloutProgress, string>(),
        null,
        [],
        [],
        [],
        new Dictionary<RolloutProgress, TimeSpan>(),
        new Dictionary<RolloutProgress, TimeSpan>(),
        ReleaseFetchLimits.Default);

    /// <summary>Ticket system -> the outbound connectors (by name) told when a release from it resolves or fails.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> SyncBack { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);

    public EarlyAdopterTeam? Team(string name) =>
        EarlyAdopters.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>An early-adopter team: it runs staged rollouts and files reports; <paramref name="Ngi"/> is its national grid initiative.</summary>
public sealed record EarlyAdopterTeam(string Name, string Ngi, string Address);

/// <summary>Limits of the hub's fetch of release.xml and packages from a provider's Sync-URL.</summary>
/// <param name="MaxPackageBytes">The largest package fetched or uploaded.</param>
/// <param name="Timeout">The longest one fetch may take, headers to last byte.</param>
public sealed record ReleaseFetchLimits(long MaxPackageBytes, TimeSpan Timeout)
{
    public static ReleaseFetchLimits Default { get; } = new(2L * 1024 * 1024 * 1024, TimeSpan.FromMinutes(10));

    /// <summary>
    /// Host names (or IP literals) the hub may fetch from even when they resolve to a loopback, private, link-local or
    /// unique-local address. Empty (the default): every public address is allowed and no other.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    public bool Equals(ReleaseFetchLimits? other) =>
        other is not null && MaxPackageBytes == other.MaxPackageBytes && Timeout == other.Timeout && AllowedHosts.SequenceEqual(other.AllowedHosts);

    public override int GetHashCode() => HashCode.Combine(MaxPackageBytes, Timeout, AllowedHosts.Count);

    public bool IsAllowedHost(string host) => AllowedHosts.Any(h => string.Equals(h, host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));
}
