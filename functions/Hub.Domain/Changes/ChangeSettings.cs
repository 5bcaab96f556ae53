using Hub.Domain.Configuration;

namespace Hub.Domain.Changes;

/// <summary>
/// Where change requests live and who hears of them: the ProductionDeploy queue, its mirror list
/// (<c>amit-auto-deploy</c>, Bcc on every notification) and the pipeline-planning list (<c>isda-pipeline</c>, told of
/// every change waiting at the gate). Addresses, already resolved from the contact lists.
/// </summary>
public sealed record ChangeSettings(string Queue, string? Mirror, string? Pipeline)
{
    public const string DefaultQueue = "ProductionDeploy";

    public const string MirrorList = "amit-auto-deploy";

    public const string PipelineList = "isda-pipeline";

    public static ChangeSettings From(HubConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new(DefaultQueue, config.Contacts(MirrorList)?.Address, config.Contacts(PipelineList)?.Address);
    }
}
