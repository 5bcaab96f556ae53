namespace Hub.Domain.Catalog;

/// <summary>
/// A service as the Edinburgh Technical Architecture Document describes it (DESIGN 5.5), plus what the hub needs to
/// run it: owners, Recipient Lists, the run book, the startup rank and, per tier and node, the agent that runs its
/// commands. Lists keep their order: tiers in the service's own order, startup and shutdown steps as written.
/// Check a record with <see cref="ServiceValidator.Validate"/> before keeping it.
/// </summary>
/// <param name="Name">The service's name, unique in the catalog (compared case-insensitively).</param>
/// <param name="StartupRank">Where the service starts in a site: lower ranks start first and stop last. A service
/// without one may be catalogued but not be a member of a site.</param>
/// <param name="Owners">Mail addresses of the service's owners: certificate and run-failure tickets go to them.</param>
/// <param name="RecipientLists">Contact list names or addresses told of incidents and site runs.</param>
/// <param name="DrCategory">The disaster-recovery category as the TAD gives it (shown on the service's alerts and incidents).</param>
/// <param name="TimeZone">The IANA or Windows time zone its release windows are negotiated in (default UTC).</param>
/// <param name="ReleaseWindows">Recurring windows in which its production-like tiers may be changed (docs/changes.md).</param>
/// <param name="ReleaseSlots">One-off release slots, as instants.</param>
public sealed record ServiceRecord(
    string Name,
    IReadOnlyList<ServiceTier> Tiers,
    IReadOnlyList<string> Owners,
    int? StartupRank = null,
    string? Description = null,
    IReadOnlyList<string>? RecipientLists = null,
    string? RunBookUrl = null,
    string? DrCategory = null,
    string? Backup = null,
    string? Resilience = null,
    ServicePatching? Patching = null,
    IReadOnlyList<SupportContact>? SupportContacts = null,
    IReadOnlyList<ServiceUser>? Users = null,
    IReadOnlyList<DataSource>? DataSources = null,
    IReadOnlyList<ScheduledTask>? ScheduledTasks = null,
    IReadOnlyList<string>? StartupSteps = null,
    IReadOnlyList<string>? ShutdownSteps = null,
    IReadOnlyList<FileLocation>? Logs = null,
    IReadOnlyList<FileLocation>? Configuration = null,
    string? TimeZone = null,
    IReadOnlyList<ServiceReleaseWindow>? ReleaseWindows = null,
    IReadOnlyList<ServiceReleaseSlot>? ReleaseSlots = null)
{
    // JSON may leave any list out (or null): every list reads as empty rather than null, so checks and plans never trip on one.
    public IReadOnlyList<ServiceTier> Tiers { get; init; } = Tiers ?? [];

    public IReadOnlyList<string> Owners { get; init; } = Owners ?? [];

    public IReadOnlyList<string> RecipientLists { get; init; } = RecipientLists ?? [];

    public IReadOnlyList<SupportContact> SupportContacts { get; init; } = SupportContacts ?? [];

    public IReadOnlyList<ServiceUser> Users { get; init; } = Users ?? [];

    public IReadOnlyList<DataSource> DataSources { get; init; } = DataSources ?? [];

    public IReadOnlyList<ScheduledTask> ScheduledTasks { get; init; } = ScheduledTasks ?? [];

    public IReadOnlyList<string> StartupSteps { get; init; } = StartupSteps ?? [];

    public IReadOnlyList<string> ShutdownSteps { get; init; } = ShutdownSteps ?? [];

    public IReadOnlyList<FileLocation> Logs { get; init; } = Logs ?? [];

    public IReadOnlyList<FileLocation> Configuration { get; init; } = Configuration ?? [];

    public IReadOnlyList<ServiceReleaseWindow> ReleaseWindows { get; init; } = ReleaseWindows ?? [];

    public IReadOnlyList<ServiceReleaseSlot> ReleaseSlots { get; init; } = ReleaseSlots ?? [];

    /// <summary>The tier called <paramref name="name"/> (case-insensitive), or null.</summary>
    public ServiceTier? Tier(string name) => Tiers.FirstOrDefault(t => TierNames.Same(t.Name, name));
}
