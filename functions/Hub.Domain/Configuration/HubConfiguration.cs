namespace Hub.Domain.Configuration;

/// <summary>
/// The hub's domain configuration, loaded at start from one YAML or JSON document (queues, lifecycles, contact lists,
/// mail routing, webhook sources). The loader validates it; the domain receives it already valid.
/// </summary>
public sealed record HubConfiguration(
    IReadOnlyList<LifecycleDefinition> Lifecycles,
    IReadOnlyList<QueueDefinition> Queues,
    IReadOnlyList<ContactList> ContactLists,
    MailIntakeDefinition Mail,
    AlertIntakeDefinition Alerts,
    IReadOnlyList<WebhookSource> Sources)
{
    /// <summary>The release workflow (DESIGN 5.2); the defaults when the document has no <c>releases:</c> section.</summary>
    public ReleaseWorkflowDefinition Releases { get; init; } = ReleaseWorkflowDefinition.Default;

    public QueueDefinition? Queue(string name) => Queues.FirstOrDefault(q => string.Equals(q.Name, name, StringComparison.OrdinalIgnoreCase));

    public LifecycleDefinition? Lifecycle(string name) => Lifecycles.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase));

    public ContactList? Contacts(string name) => ContactLists.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    public WebhookSource? Source(string name) => Sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Outbound connectors to external ticket systems (RT REST2, signed webhooks), by name.</summary>
    public IReadOnlyList<ConnectorDefinition> Connectors { get; init; } = [];

    public ConnectorDefinition? Connector(string name) => Connectors.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The incident playbook (section <c>incidents:</c>).</summary>
    public IncidentSettings Incidents { get; init; } = IncidentSettings.Default;

    /// <summary>On-call rotas (section <c>rotas:</c>).</summary>
    public IReadOnlyList<Rota.RotaDefinition> Rotas { get; init; } = [];

    /// <summary>The service records <c>config/hub.yaml</c> gives (section <c>services:</c>); the catalog API's stored versions supersede them.</summary>
    public Catalog.ServiceCatalog Catalog { get; init; } = Hub.Domain.Catalog.ServiceCatalog.Empty;

    /// <summary>The sites <c>config/hub.yaml</c> gives (section <c>sites:</c>); the sites API's stored versions supersede them.</summary>
    public IReadOnlyList<Sites.Site> Sites { get; init; } = [];

    public Sites.Site? Site(string name) => Sites.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Outgoing mail (section <c>email:</c>).</summary>
    public EmailSettings Email { get; init; } = EmailSettings.Default;

    public Rota.RotaDefinition? Rota(string name) => Rotas.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A ticket lifecycle: its statuses and the transitions allowed between them, each with the role it needs.</summary>
public sealed record LifecycleDefinition(string Name, IReadOnlyList<StatusDefinition> Statuses, IReadOnlyList<TransitionDefinition> Transitions);

public sealed record StatusDefinition(string Name, StatusKind Kind);

public enum StatusKind
{
    /// <summary>A status a ticket may be created in (e.g. new).</summary>
    Initial,

    /// <summary>Being worked on (open, stalled).</summary>
    Active,

    /// <summary>Done (resolved, rejected, deleted): entering it sets the resolved time.</summary>
    Inactive,
}

/// <summary>An allowed status change and the role required to make it.</summary>
public sealed record TransitionDefinition(string From, string To, Role Role);

/// <summary>API roles, as DESIGN section 6 names them.</summary>
public enum Role
{
    LogsReader,
    Integrator,
    Developer,
    Operator,
    AppAdmin,

    /// <summary>Pipeline planning (isda-pipeline): decides the gate of changes (docs/changes.md).</summary>
    Pipeline,
}

/// <summary>A Request-Tracker-style queue.</summary>
/// <param name="AutoResolveOnAlertResolved">Resolve a ticket opened by an alert when the alert resolves.</param>
/// <param name="AdminCc">Contact lists that are AdminCc on every ticket of the queue.</param>
/// <param name="Mirror">A contact list that receives a copy of every ticket's traffic (e.g. amit-auto-defect).</param>
public sealed record QueueDefinition(
    string Name,
    string Lifecycle,
    IReadOnlyList<CustomFieldDefinition> CustomFields,
    int DefaultPriority = 50,
    bool AutoResolveOnAlertResolved = false,
    IReadOnlyList<string>? AdminCc = null,
    string? Mirror = null)
{
    public IReadOnlyList<string> AdminCc { get; init; } = AdminCc ?? [];
}

/// <summary>A typed custom field of a queue.</summary>
/// <param name="Values">The allowed values of a <see cref="CustomFieldType.Select"/> field.</param>
/// <param name="Pattern">An optional regular expression a Text field must match.</param>
public sealed record CustomFieldDefinition(string Name, CustomFieldType Type, bool Required = false, IReadOnlyList<string>? Values = null, string? Pattern = null);

public enum CustomFieldType
{
    Text,
    WholeNumber,
    Number,
    Boolean,
    Date,
    DateTime,
    Url,
    Select,
}

/// <summary>A named mailing list (isda-support, map-support, ...): its address and whether it is internal.</summary>
public sealed record ContactList(string Name, string Address, bool Internal, IReadOnlyList<string>? Members = null)
{
    public IReadOnlyList<string> Members { get; init; } = Members ?? [];
}

/// <summary>How inbound mail becomes tickets.</summary>
/// <param name="Routes">Recipient address -> queue, first match wins.</param>
/// <param name="Rules">Content rules applied after the recipient route (e.g. deployment requests -> ProductionDeploy).</param>
/// <param name="MonitoringSenders">Senders whose mail becomes or merges into a ProductionDefect ticket.</param>
/// <param name="InternalDomains">Mail from these domains is internal: replies become comments, not correspondence.</param>
/// <param name="DefaultQueue">Where mail no route matches goes.</param>
public sealed record MailIntakeDefinition(
    IReadOnlyList<MailRoute> Routes,
    IReadOnlyList<MailRule> Rules,
    IReadOnlyList<string> MonitoringSenders,
    IReadOnlyList<string> InternalDomains,
    string DefaultQueue,
    string MonitoringQueue);

/// <summary>Mail to <paramref name="Address"/> (a full address, or a local part such as "isda-support") goes to <paramref name="Queue"/>.</summary>
public sealed record MailRoute(string Address, string Queue);

/// <summary>Mail whose subject matches <paramref name="SubjectPattern"/> (a regular expression, case-insensitive) goes to <paramref name="Queue"/>.</summary>
public sealed record MailRule(string Name, string SubjectPattern, string Queue, string? FromQueue = null);

/// <summary>How alerts become tickets: the queue, and severity -> priority and classification.</summary>
public sealed record AlertIntakeDefinition(string Queue, IReadOnlyList<SeverityMapping> Severities, SeverityMapping DefaultSeverity);

/// <summary>An alert severity (as the source spells it, case-insensitive) and what it means here.</summary>
public sealed record SeverityMapping(string Severity, int Priority, AlertClassification Classification);

public enum AlertClassification
{
    /// <summary>A system is unresponsive: the incident playbook starts.</summary>
    Urgent,

    /// <summary>Handed off to the team's system of record.</summary>
    BugReport,

    /// <summary>Recorded, no playbook.</summary>
    Informational,
}

/// <summary>A webhook sender and how it authenticates. Secrets are named by app setting, never written here.</summary>
/// <param name="Kind">mail, alertmanager, grafana, azure-monitor, pagerduty, or tickets.</param>
/// <param name="SecretSettings">App settings holding the secrets: the first is required; the others, used when set, let a secret rotate.</param>
/// <param name="System">For kind tickets: the external system name in the route /api/hooks/tickets/{system}.</param>
public sealed record WebhookSource(string Name, string Kind, WebhookAuthScheme Auth, IReadOnlyList<string> SecretSettings, string? System = null);

public enum WebhookAuthScheme
{
    /// <summary>webhook-id, webhook-timestamp, webhook-signature (v1, HMAC-SHA256), 5-minute tolerance.</summary>
    StandardWebhooks,

    /// <summary>X-Hub-Signature-256: sha256=&lt;hex HMAC of the body&gt;.</summary>
    GitHubSignature,

    /// <summary>HTTP basic; the secret is "user:password".</summary>
    Basic,

    /// <summary>Authorization: Bearer &lt;key&gt;.</summary>
    Bearer,
}
