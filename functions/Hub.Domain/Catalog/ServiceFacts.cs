namespace Hub.Domain.Catalog;

/// <summary>
/// What an alert's ticket or an incident takes from its service's catalog record, read by the Functions layer and
/// carried in the command, so the decision (and a replay of it) never reads the catalog.
/// </summary>
/// <param name="TierManagers">Tier name -> its managers, for the tiers that name any (a bug report hand-off's tier managers).</param>
public sealed record ServiceFacts(string Service, string? RunBookUrl, string? DrCategory, IReadOnlyDictionary<string, IReadOnlyList<string>>? TierManagers = null)
{
    public IReadOnlyDictionary<string, IReadOnlyList<string>> TierManagers { get; init; } =
        TierManagers ?? new Dictionary<string, IReadOnlyList<string>>();

    public static ServiceFacts Of(ServiceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var managers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (ServiceTier tier in record.Tiers.Where(t => t.Managers.Count > 0))
        {
            // The validator lets a tier name appear once; should one repeat, the first is the record's.
            managers.TryAdd(tier.Name, tier.Managers);
        }

        return new(record.Name, record.RunBookUrl, record.DrCategory, managers);
    }

    /// <summary>The managers the record names for <paramref name="tier"/> (names compare case-insensitively), or none.</summary>
    public IReadOnlyList<string> ManagersOf(string tier) =>
        TierManagers.FirstOrDefault(t => string.Equals(t.Key, tier, StringComparison.OrdinalIgnoreCase)).Value ?? [];
}
