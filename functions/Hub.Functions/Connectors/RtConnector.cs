using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Domain.Connectors;
using Hub.Domain.Configuration;

namespace Hub.Functions.Connectors;

/// <summary>
/// Request Tracker through REST2 (https://docs.bestpractical.com/rt/5.0.0/RT/REST2.html), authenticated with
/// <c>Authorization: token ...</c>: create <c>POST /REST/2.0/ticket</c> (with Requestor, Cc and the RefersTo link),
/// update <c>PUT /REST/2.0/ticket/{id}</c> (Status and CustomFields, then read back with <c>GET</c>: RT answers 200 to
/// an update it took only in part), comment <c>POST /REST/2.0/ticket/{id}/comment</c>.
/// </summary>
/// <remarks>
/// RT has no idempotency key. A create that carries a link back is made safe to repeat by looking, before every
/// attempt, for a ticket that already refers to that link (<c>GET /REST/2.0/tickets?query=RefersTo='...'</c>): a
/// create that timed out but happened, or a dispatch retried after a crash, finds the first ticket instead of
/// opening a second. A create whose outcome is unknown (no answer, or a 5xx) is not sent again in the same dispatch,
/// since RT may still be making the ticket: the next dispatch, minutes later, looks first. Updates are idempotent. A
/// comment retried after a lost answer may appear twice.
/// </remarks>
internal sealed class RtConnector(ConnectorDefinition definition, ConnectorHttp http, Func<string?> token) : ITicketSystemConnector
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public string Name => definition.Name;

    public Task<string> SendAsync(ConnectorCall call, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var create = new CreateAttempts();
        return http.RunAsync(ct => call.Operation switch
        {
            ConnectorCall.Create => CreateAsync(call, create, ct),
            ConnectorCall.Update => UpdateAsync(call, ct),
            _ => CommentAsync(call, ct),
        }, cancellationToken);
    }

    private async Task<string> CreateAsync(ConnectorCall call, CreateAttempts attempts, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(call.Queue))
        {
            throw new ConnectorException($"{Name}: an RT create needs a queue", transient: false);
        }

        if (call.LinkBackUrl is { } link)
        {
            if (await FindReferringAsync(link, ct) is { } existing)
            {
                return existing;
            }

            if (attempts.OutcomeUnknown)
            {
                throw new ConnectorException($"{Name}: the outcome of the create is unknown and RT shows no ticket for it yet; looking again on the next dispatch", transient: true);
            }

            attempts.OutcomeUnknown = true;
        }

        var body = new JsonObject
        {
            ["Queue"] = call.Queue,
            ["Subject"] = call.Subject,
            ["Content"] = call.Text ?? "",
            ["ContentType"] = "text/plain",
        };
        AddCustomFields(body, call);
        if (call.LinkBackUrl is not null)
        {
            body["RefersTo"] = call.LinkBackUrl;
        }

        // RT makes unknown addresses unprivileged users; Requestor and Cc need no right of the hub's user on create.
        if (call.Requestors is { Count: > 0 } requestors)
        {
            body["Requestor"] = new JsonArray([.. requestors.Select(a => JsonValue.Create(a))]);
        }

        if (call.Cc is { Count: > 0 } cc)
        {
            body["Cc"] = new JsonArray([.. cc.Select(a => JsonValue.Create(a))]);
        }

        BinaryData answer;
        try
        {
            answer = await http.SendAsync(HttpMethod.Post, Api("ticket"), Headers(), BinaryData.FromString(body.ToJsonString(Json)), ct);
        }
        catch (ConnectorException e) when (e.Status is >= 400 and < 500)
        {
            attempts.OutcomeUnknown = false; // refused: RT made nothing
            throw;
        }

        return ConnectorHttp.IdOf(answer) ?? throw new ConnectorException($"{Name}: RT answered the create without a ticket id", transient: false);
    }

    private async Task<string> UpdateAsync(ConnectorCall call, CancellationToken ct)
    {
        var body = new JsonObject();
        if (call.Status is not null)
        {
            body["Status"] = call.Status;
        }

        AddCustomFields(body, call);
        string number = TicketNumber(call.ExternalId!);
        BinaryData answer = await http.SendAsync(HttpMethod.Put, Api($"ticket/{number}"), Headers(), BinaryData.FromString(body.ToJsonString(Json)), ct);

        // RT answers 200 to a PUT that it took only in part: a refused status or value is one of the messages in the
        // answer ("Ticket 5: Status 'bogus' isn't a valid status for this ticket.", "Invalid value for custom field"),
        // and a custom field not applied to the ticket's queue is dropped without one. What RT stored is the truth, so
        // the ticket is read back and every field sent is checked against it.
        IReadOnlyList<string> messages = Messages(answer);
        using JsonDocument after = ParseAnswer(await http.SendAsync(HttpMethod.Get, Api($"ticket/{number}"), Headers(), body: null, ct));
        List<string> refused = RtUpdateCheck.Refused(call, after.RootElement);
        if (refused.Count > 0)
        {
            string said = messages.Count == 0 ? "nothing" : string.Join(" | ", messages);
            throw new ConnectorException(
                $"{Name}: RT did not take {string.Join("; ", refused)} on ticket {number} (RT answered the PUT with 200 and said: {said})", transient: false);
        }

        return call.ExternalId!;
    }

    /// <summary>Whether RT takes the hub's token: null when it does, else what RT answered.</summary>
    public async Task<string?> CheckAccessAsync(CancellationToken cancellationToken)
    {
        try
        {
            await http.RunOnceAsync(ct => http.SendAsync(HttpMethod.Get, Api("queues/all?per_page=1"), Headers(), body: null, ct), cancellationToken);
            return null;
        }
        catch (ConnectorException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// Whether the RT custom field <paramref name="field"/> exists and applies to the queue <paramref name="queue"/>,
    /// as the hub's user sees it: null when it does, else what is wrong.
    /// </summary>
    public async Task<string?> CheckCustomFieldAsync(string queue, string field, CancellationToken cancellationToken)
    {
        try
        {
            return await http.RunOnceAsync<string?>(async ct =>
            {
                using JsonDocument q = ParseAnswer(await http.SendAsync(HttpMethod.Get, Api($"queue/{Uri.EscapeDataString(queue)}"), Headers(), body: null, ct));
                string? id = ConnectorHttp.IdOf(q.RootElement);
                using JsonDocument fields = ParseAnswer(await http.SendAsync(HttpMethod.Get, Api($"queue/{id}/customfields?fields=Name&per_page=100"), Headers(), body: null, ct));
                bool applied = fields.RootElement.TryGetProperty("items", out JsonElement items) && items.EnumerateArray().Any(f =>
                    f.TryGetProperty(RtField.Name, out JsonElement name) && string.Equals(name.GetString(), field, StringComparison.OrdinalIgnoreCase));
                return applied ? null : $"the custom field {field} does not apply to the RT queue {queue} (or the hub's RT user may not see it)";
            }, cancellationToken);
        }
        catch (ConnectorException e)
        {
            return e.Status == 404 ? $"RT has no queue {queue} the hub's user can see" : e.Message;
        }
    }

    private static IReadOnlyList<string> Messages(BinaryData answer)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(answer);
            return json.RootElement.ValueKind == JsonValueKind.Array
                ? [.. json.RootElement.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!)]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private JsonDocument ParseAnswer(BinaryData answer)
    {
        try
        {
            return JsonDocument.Parse(answer);
        }
        catch (JsonException e)
        {
            throw new ConnectorException($"{Name}: RT answered with something other than JSON", transient: false, innerException: e);
        }
    }

    private async Task<string> CommentAsync(ConnectorCall call, CancellationToken ct)
    {
        var body = new JsonObject { ["Content"] = call.Text, ["ContentType"] = "text/plain" };
        if (call.Subject is not null)
        {
            body["Subject"] = call.Subject;
        }

        await http.SendAsync(HttpMethod.Post, Api($"ticket/{TicketNumber(call.ExternalId!)}/comment"), Headers(), BinaryData.FromString(body.ToJsonString(Json)), ct);
        return call.ExternalId!;
    }

    /// <summary>
    /// RT's ticket number in the forms an RT ticket is written (docs/ticket-systems.md): <c>123</c>, <c>RT-123</c>,
    /// <c>RT#123</c>, <c>#123</c>, or its Display.html URL (<c>...?id=123</c>). Anything else is a permanent failure
    /// naming the id: REST2 would answer 404 for it.
    /// </summary>
    internal string TicketNumber(string externalId)
    {
        string id = externalId.Trim();
        if (Uri.TryCreate(id, UriKind.Absolute, out Uri? url) && url.Scheme is "http" or "https")
        {
            id = System.Web.HttpUtility.ParseQueryString(url.Query)["id"] ?? "";
        }
        else if (id.StartsWith("RT-", StringComparison.OrdinalIgnoreCase) || id.StartsWith("RT#", StringComparison.OrdinalIgnoreCase))
        {
            id = id[3..];
        }
        else if (id.StartsWith('#'))
        {
            id = id[1..];
        }

        return long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number) && number > 0
            ? number.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : throw new ConnectorException($"{Name}: '{externalId}' is not an RT ticket id (123, RT-123, RT#123, #123 or its Display.html?id= URL)", transient: false);
    }

    private async Task<string?> FindReferringAsync(string link, CancellationToken ct)
    {
        string query = $"RefersTo = '{link.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";
        BinaryData answer = await http.SendAsync(HttpMethod.Get, Api("tickets?query=" + Uri.EscapeDataString(query)), Headers(), body: null, ct);
        using JsonDocument json = ParseSearch(answer);
        return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("items", out JsonElement items) && items.ValueKind == JsonValueKind.Array && items.GetArrayLength() > 0
            ? ConnectorHttp.IdOf(items[0])
            : null;
    }

    private JsonDocument ParseSearch(BinaryData answer)
    {
        try
        {
            return JsonDocument.Parse(answer);
        }
        catch (JsonException e)
        {
            throw new ConnectorException($"{Name}: RT answered the ticket search with something other than JSON", transient: false, innerException: e);
        }
    }

    private static void AddCustomFields(JsonObject body, ConnectorCall call)
    {
        if (call.CustomFields is { Count: > 0 } fields)
        {
            var custom = new JsonObject();
            foreach ((string name, string value) in fields)
            {
                custom[name] = value;
            }

            body["CustomFields"] = custom;
        }
    }

    private Uri Api(string path) => new(http.Url, new Uri(http.Url.AbsolutePath.TrimEnd('/') + "/REST/2.0/" + path, UriKind.Relative));

    private (string, string)[] Headers() =>
        [("Authorization", "token " + (token() ?? throw new ConnectorException($"{Name}: the setting {definition.SecretSetting} holding the RT token is missing or empty", transient: true))), ("Accept", "application/json")];

    /// <summary>Property names of RT's REST2 answers.</summary>
    private static class RtField
    {
        public const string Name = "Name";
    }

    /// <summary>What the attempts of one dispatch learned about its create.</summary>
    private sealed class CreateAttempts
    {
        /// <summary>A create was sent and no answer said whether RT made the ticket.</summary>
        public bool OutcomeUnknown { get; set; }
    }
}
