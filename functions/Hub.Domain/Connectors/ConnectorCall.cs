using System.Text.Json;
using Hub.Domain.Durable;

namespace Hub.Domain.Connectors;

/// <summary>
/// A call to an external ticket system through a configured connector, made as a side effect of a committed command
/// (the outbox row's idempotency key travels with it, so a retried call is recognisable on the other side).
/// </summary>
/// <param name="Connector">The connector's name in the configuration.</param>
/// <param name="Operation"><see cref="Create"/>, <see cref="Update"/> or <see cref="CommentOperation"/>.</param>
/// <param name="ExternalId">The ticket in the external system; required for update and comment.</param>
/// <param name="Text">Create: the first message. Comment: the comment.</param>
/// <param name="Status">Update: the new status (RT: new, open, stalled, resolved, rejected, deleted).</param>
/// <param name="CustomFields">Create and update: custom fields by name (e.g. RolloutProgress).</param>
/// <param name="LinkBackUrl">Create: a RefersTo link back to the hub's record.</param>
/// <param name="Reply">Who is told the outcome; null when nobody needs to know.</param>
/// <param name="Requestors">Create: the external ticket's requestors (RT: <c>Requestor</c>).</param>
/// <param name="Cc">Create: its Cc watchers (RT: <c>Cc</c>).</param>
public sealed record ConnectorCall(
    string Connector,
    string Operation,
    string? ExternalId = null,
    string? Queue = null,
    string? Subject = null,
    string? Text = null,
    string? Status = null,
    IReadOnlyDictionary<string, string>? CustomFields = null,
    string? LinkBackUrl = null,
    ConnectorReply? Reply = null,
    IReadOnlyList<string>? Requestors = null,
    IReadOnlyList<string>? Cc = null)
{
    public const string EffectKind = "connector.call";

    public const string Create = "create";
    public const string Update = "update";
    public const string CommentOperation = "comment";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SideEffect Effect(ConnectorCall call) => new(EffectKind, JsonSerializer.Serialize(call, Json));

    public static ConnectorCall Parse(string payload) =>
        JsonSerializer.Deserialize<ConnectorCall>(payload, Json) ?? throw new FormatException("The connector call payload is null.");

    /// <summary>What is wrong with the call before anything is sent; null when it is complete.</summary>
    public string? Problem() => Operation switch
    {
        Create when string.IsNullOrWhiteSpace(Subject) => "a create needs a subject",
        Create => null,
        Update when string.IsNullOrWhiteSpace(ExternalId) => "an update needs the external ticket id",
        CommentOperation when string.IsNullOrWhiteSpace(ExternalId) => "a comment needs the external ticket id",
        Update when Status is null && (CustomFields is null || CustomFields.Count == 0) => "an update needs a status or custom fields",
        CommentOperation when string.IsNullOrWhiteSpace(Text) => "a comment needs text",
        Update or CommentOperation => null,
        _ => $"'{Operation}' is not one of: {Create}, {Update}, {CommentOperation}",
    };
}

/// <summary>
/// The aggregate told of a call's outcome, and the type discriminator of the command it is told with. That command's
/// JSON has exactly the properties of <see cref="ConnectorOutcome"/> plus <c>"type": Type</c>.
/// </summary>
public sealed record ConnectorReply(string Kind, string Id, string Type, string Actor);

/// <summary>
/// The outcome of one dispatch of a connector call. A transient failure is reported with <see cref="WillRetry"/> true
/// and the call is tried again later; a permanent one (the system refused it) is reported once and not retried.
/// </summary>
/// <param name="CallId">The outbox idempotency key of the call: the same for every retry of it.</param>
/// <param name="ExternalId">The external ticket id: the created one for a create, else the one called.</param>
public sealed record ConnectorOutcome(
    string CallId,
    string Connector,
    string Operation,
    bool Succeeded,
    string? ExternalId,
    string? Error,
    bool WillRetry,
    DateTimeOffset At);
