using Hub.Domain.Catalog;
using Hub.Domain.Changes;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Functions.Security;

namespace Hub.Functions.Changes;

/// <summary>What the HTTP layer gives the change decider: the service's facts from its catalog record, and who acts.</summary>
public static class ChangeFacts
{
    /// <summary>
    /// The facts a change copies from <paramref name="record"/> when it opens: the record's tiers in its order, its time
    /// zone and release windows, its Recipient Lists as addresses, and whether an agent installs it (every tier has
    /// nodes, and the catalog makes every node name an agent). A refusal is "field: rule".
    /// </summary>
    public static Result<ChangeService> Of(ServiceRecord record, HubConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(config);
        Result<IReadOnlyList<ChangeTier>> tiers = ChangeTier.FromNames(record.Tiers.Select(t => t.Name));
        if (!tiers.IsOk)
        {
            return Result<ChangeService>.Rejected($"service: {record.Name}'s {tiers.Reason}");
        }

        Result<ReleaseWindows> windows = ServiceReleaseWindows.Of(record);
        if (!windows.IsOk)
        {
            return Result<ChangeService>.Rejected($"service: {record.Name}'s {windows.Reason}");
        }

        IReadOnlyList<string> recipients = [.. record.RecipientLists
            .Select(l => config.Contacts(l)?.Address ?? (l.Contains('@', StringComparison.Ordinal) ? l : null))
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)];
        return Result<ChangeService>.Ok(new ChangeService(
            record.Name, tiers.Value!, record.TimeZone ?? ServiceReleaseWindows.DefaultTimeZone, windows.Value!.Weekly, windows.Value.Slots, recipients,
            HasAgent: record.Tiers.All(t => t.Nodes.Count > 0)));
    }

    /// <summary>
    /// The caller as the change rules see them: <c>developer</c> acts as a developer, <c>integrator</c> as a system
    /// integrator, <c>pipeline</c> as pipeline planning (app-admin has every role, so all three).
    /// </summary>
    public static ChangeActor Actor(ApiCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var teams = new List<ChangeTeam>();
        if (caller.Has(Role.Developer))
        {
            teams.Add(ChangeTeam.Developer);
        }

        if (caller.Has(Role.Integrator))
        {
            teams.Add(ChangeTeam.SystemIntegrator);
        }

        if (caller.Has(Role.Pipeline))
        {
            teams.Add(ChangeTeam.PipelinePlanning);
        }

        return new ChangeActor(caller.Name, teams);
    }
}
