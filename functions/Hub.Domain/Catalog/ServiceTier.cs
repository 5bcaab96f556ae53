namespace Hub.Domain.Catalog;

/// <summary>One deployment tier of a service (DEV, TEST, TRN, STAGE, LIVE or PROD).</summary>
/// <param name="Urls">The tier's user-facing URLs.</param>
/// <param name="Managers">The tier managers' mail addresses (told when a bug report is handed off).</param>
/// <param name="AgentUrl">The agent endpoint for the tier's nodes that name none of their own.</param>
public sealed record ServiceTier(
    string Name,
    IReadOnlyList<ServiceNode> Nodes,
    IReadOnlyList<string>? Urls = null,
    IReadOnlyList<ServiceCertificate>? Certificates = null,
    IReadOnlyList<string>? Managers = null,
    string? AgentUrl = null)
{
    public IReadOnlyList<ServiceNode> Nodes { get; init; } = Nodes ?? [];

    public IReadOnlyList<string> Urls { get; init; } = Urls ?? [];

    public IReadOnlyList<ServiceCertificate> Certificates { get; init; } = Certificates ?? [];

    public IReadOnlyList<string> Managers { get; init; } = Managers ?? [];

    /// <summary>The agent that runs commands on <paramref name="node"/>: its own, else the tier's.</summary>
    public string? AgentFor(ServiceNode node) => (node ?? throw new ArgumentNullException(nameof(node))).AgentUrl ?? AgentUrl;
}

/// <summary>A server of a tier, where the agent runs the service's commands.</summary>
/// <param name="Name">The node's name (usually its host name), unique in the tier.</param>
/// <param name="ServerTier">The layer the node serves in (App, Web, Db, ...): a rolling update takes one server tier at a time.</param>
/// <param name="AgentUrl">The node's agent endpoint (absolute https); when null, the tier's.</param>
public sealed record ServiceNode(string Name, string ServerTier, string? AgentUrl = null, string? Os = null, string? Notes = null);

/// <summary>A TLS certificate a tier presents.</summary>
/// <param name="CommonName">The certificate's CN (e.g. <c>app.example.org</c> or <c>*.example.org</c>).</param>
/// <param name="Authority">The issuing CA.</param>
/// <param name="Server">Where it is installed (a node or a load balancer).</param>
public sealed record ServiceCertificate(string CommonName, string? Authority, string? Server, DateTimeOffset? IssuedAt, DateTimeOffset? Expiry);
