using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Domain.Catalog;
using Hub.Domain.Changes;
using Hub.Domain.Sites;
using Hub.Functions.Catalog;
using Hub.Functions.Hosting;
using Hub.Functions.Sites;
using Hub.Storage.Durable;

namespace Hub.Functions.Changes;

/// <summary>
/// <c>change.install</c>: a change's installation (or rollback) on a tier, as a site Update of the one-service site
/// named after the service on that tier's nodes: rolling, one node at a time, when every server tier has a second
/// node to keep serving, else stop-all (docs/changes.md). The run's id is made
/// from the effect's outbox key, so a redelivered effect finds its run and starts nothing; the run's end records the
/// outcome on the change. A manual installation needs nothing here: the change's mail asked people to do it. When no
/// run can start (the service has no node on the tier any more, an agent has no secret, the site is busy with another
/// run), the change is told the installation failed, with the reason, rather than waiting for ever.
/// </summary>
public sealed class ChangeInstallEffect(IServiceProvider provider) : ISideEffectHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => ChangeInstallation.EffectKind;

    public async Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ChangeInstallation install = JsonSerializer.Deserialize<ChangeInstallation>(context.Payload, Json)
            ?? throw new FormatException("The change installation payload is null.");
        if (install.Manual)
        {
            return;
        }

        // Resolved on first use: the aggregates depend on the outbox dispatcher, which depends on this effect.
        var catalog = provider.GetRequiredService<ServiceCatalogReader>();
        var agents = provider.GetRequiredService<SiteAgents>();
        var runs = provider.GetRequiredService<AggregateProcessor<SiteRunState, SiteRunCommand, SiteRunEvent>>();
        var host = provider.GetRequiredService<HubHostInfo>();
        string runId = RunId(install, context.IdempotencyKey);
        string? refusal;
        if (await catalog.GetRecentAsync(install.Service, cancellationToken) is not { } entry)
        {
            refusal = $"Service '{install.Service}' is no longer in the catalog.";
        }
        else
        {
            var site = new Site(entry.Record.Name, [new SiteMember(entry.Record.Name)]);
            Validated<SitePlan> plan = SitePlanner.Plan(
                site, new ServiceCatalog([entry.Record]), SiteCommand.Update, new PlanOptions(runId, KeepGoing: false, Strategy(entry.Record, install.Tier), install.Tier));
            refusal = !plan.IsValid ? string.Join(" ", plan.Problems.Select(p => p.Message))
                : plan.Value!.Steps.FirstOrDefault(s => agents.For(s.AgentUrl) is null) is { } unsigned
                    ? $"No Hub__Agents__<name>__Url covers {unsigned.AgentUrl} (node {unsigned.Node}), so the hub cannot sign the installation's steps."
                    : null;
            if (refusal is null)
            {
                var forChange = new RunForChange(install.Change, install.Tier, install.Version, install.Build?.ToString(), install.Rollback);
                CommandOutcome<SiteRunState> started = await runs.HandleAsync(
                    SiteRunDecider.Id(site.Name), context.IdempotencyKey, new StartRun("change", plan.Value!, host.InstanceId, [], forChange), "change", cancellationToken);
                refusal = started.Status == CommandStatus.Rejected ? started.Reason : null;
            }
        }

        if (refusal is not null)
        {
            var changes = provider.GetRequiredService<AggregateProcessor<ChangeState, ChangeCommand, ChangeEvent>>();
            await changes.HandleAsync(
                ChangeDecider.IdOf(install.Change), context.IdempotencyKey,
                new RecordInstallation(ChangeActor.Hub, install.Tier, false, Detail: $"The installation could not start: {refusal}"), "change", cancellationToken);
        }
    }

    /// <summary>Rolling when every server tier of the tier has two nodes or more (one keeps serving), else stop-all.</summary>
    private static UpdateStrategy Strategy(ServiceRecord record, string tier) =>
        record.Tier(tier) is { Nodes.Count: > 0 } t && t.Nodes.GroupBy(n => n.ServerTier, StringComparer.OrdinalIgnoreCase).All(g => g.Count() > 1)
            ? UpdateStrategy.Rolling
            : UpdateStrategy.StopAll;

    /// <summary><c>c42-stage-1a2b3c4d</c>: the change, the tier, and a hash of the outbox key (a name the planner accepts).</summary>
    private static string RunId(ChangeInstallation install, string key) =>
        $"c{install.Change}-{install.Tier.ToLowerInvariant()}{(install.Rollback ? "-rollback" : "")}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8]}";
}

/// <summary><c>change.library</c>: records a loadset in the definitive software library (<see cref="SoftwareLibrary"/>).</summary>
public sealed class ChangeLibraryEffect(SoftwareLibrary library) : ISideEffectHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => LibraryUpdate.EffectKind;

    public Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        LibraryUpdate update = JsonSerializer.Deserialize<LibraryUpdate>(context.Payload, Json) ?? throw new FormatException("The library update payload is null.");
        return library.RecordAsync(update, cancellationToken);
    }
}
