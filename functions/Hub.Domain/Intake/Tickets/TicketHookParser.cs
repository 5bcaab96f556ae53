using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace Hub.Domain.Intake.Tickets;

/// <summary>
/// Reads the generic ticket-system JSON of <c>POST /api/hooks/tickets/{system}</c> (docs/ticket-systems.md). Pure; every
/// field error is collected so a sender sees all of its mistakes at once. Unknown fields are ignored.
/// </summary>
public static class TicketHookParser
{
    public const int MaxIdLength = 100;
    public const int MaxDeliveryIdLength = 200;
    public const int MaxSubjectLength = 200;
    private const int MaxErrors = 50;

    /// <summary>The value of <c>origin</c> that marks a change the hub itself pushed to the external system.</summary>
    public const string HubOrigin = "hub";

    public static readonly IReadOnlyList<string> EventNames = ["created", "updated", "commented", "status", "transition"];

    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 32 };

    /// <summary>True when the body says it came from the hub (<c>"origin": "hub"</c>); lenient, it never fails.</summary>
    public static bool IsFromHub(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body))
        {
            return false; // Parse refuses it
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 32 });
        try
        {
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("origin", out JsonElement origin)
                && origin.ValueKind == JsonValueKind.String
                && string.Equals(origin.GetString(), HubOrigin, StringComparison.OrdinalIgnoreCase);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static (TicketHook? Hook, IReadOnlyList<TicketHookError> Errors) Parse(ReadOnlySpan<byte> body)
    {
        var errors = new Errors();
        // The reader checks the UTF-8 of the structure but not of string contents, which GetString then throws on.
        if (!Utf8.IsValid(body))
        {
            return (null, [new TicketHookError("$", "is not valid UTF-8; JSON must be sent as UTF-8 (RFC 8259)")]);
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = Options.MaxDepth });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            return (null, [new TicketHookError("$", $"is not valid JSON ({ex.Message})")]);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, [new TicketHookError("$", "must be a JSON object")]);
            }

            string? deliveryId = errors.OptionalString(root, "deliveryId", "deliveryId", MaxDeliveryIdLength);
            string? name = errors.RequiredString(root, "event", "event", 32);
            TicketHook? hook = name switch
            {
                null => null,
                "transition" => Transition(root, deliveryId, errors),
                "created" => Event(TicketEventKind.Created, root, deliveryId, errors),
                "updated" => Event(TicketEventKind.Updated, root, deliveryId, errors),
                "commented" => Event(TicketEventKind.Commented, root, deliveryId, errors),
                "status" => Event(TicketEventKind.Status, root, deliveryId, errors),
                _ => errors.Add("event", $"must be one of {string.Join(", ", EventNames)}"),
            };
            return errors.List.Count > 0 ? (null, errors.List) : (hook, []);
        }
    }

    private static TicketSystemEvent? Event(TicketEventKind kind, JsonElement root, string? deliveryId, Errors errors)
    {
        ExternalTicketSnapshot? ticket = null;
        if (!TryGet(root, "ticket", out JsonElement t))
        {
            errors.Add("ticket", "is required");
        }
        else if (t.ValueKind != JsonValueKind.Object)
        {
            errors.Add("ticket", "must be an object");
        }
        else
        {
            ticket = Snapshot(kind, t, errors);
        }

        ExternalComment? comment = null;
        if (!TryGet(root, "comment", out JsonElement c))
        {
            if (kind == TicketEventKind.Commented)
            {
                errors.Add("comment", "is required for a 'commented' event");
            }
        }
        else if (c.ValueKind != JsonValueKind.Object)
        {
            errors.Add("comment", "must be an object");
        }
        else
        {
            string? body = errors.RequiredString(c, "body", "comment.body", int.MaxValue);
            string? author = errors.OptionalString(c, "author", "comment.author", 256);
            bool? isInternal = errors.OptionalBoolean(c, "internal", "comment.internal");
            comment = body is null ? null : new ExternalComment(body, author, isInternal ?? true);
        }

        return ticket is null ? null : new TicketSystemEvent(kind, deliveryId, ticket, comment);
    }

    private static ExternalTicketSnapshot? Snapshot(TicketEventKind kind, JsonElement t, Errors errors)
    {
        string? id = errors.RequiredString(t, "id", "ticket.id", MaxIdLength);
        if (id is not null && id.Any(char.IsControl))
        {
            errors.Add("ticket.id", "must not contain control characters");
            id = null;
        }

        string? url = kind == TicketEventKind.Created
            ? errors.RequiredString(t, "url", "ticket.url", 2048)
            : errors.OptionalString(t, "url", "ticket.url", 2048);
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            errors.Add("ticket.url", "must be an absolute http or https URL");
        }

        string? queue = errors.OptionalString(t, "queue", "ticket.queue", 64);
        string? subject = errors.OptionalString(t, "subject", "ticket.subject", MaxSubjectLength);
        if (subject is not null && string.IsNullOrWhiteSpace(subject))
        {
            errors.Add("ticket.subject", "must not be blank");
        }

        string? status = kind == TicketEventKind.Status
            ? errors.RequiredString(t, "status", "ticket.status", 64)
            : errors.OptionalString(t, "status", "ticket.status", 64);
        int? priority = null;
        if (TryGet(t, "priority", out JsonElement p))
        {
            if (p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out int value) && value is >= 0 and <= 100)
            {
                priority = value;
            }
            else
            {
                errors.Add("ticket.priority", "must be a whole number from 0 to 100");
            }
        }

        var requestors = new List<string>();
        if (TryGet(t, "requestors", out JsonElement r))
        {
            if (r.ValueKind != JsonValueKind.Array)
            {
                errors.Add("ticket.requestors", "must be an array of mail addresses");
            }
            else
            {
                int i = 0;
                foreach (JsonElement item in r.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString()))
                    {
                        requestors.Add(item.GetString()!);
                    }
                    else
                    {
                        errors.Add($"ticket.requestors[{i.ToString(CultureInfo.InvariantCulture)}]", "must be a mail address string");
                    }

                    i++;
                }
            }
        }

        var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (TryGet(t, "customFields", out JsonElement f))
        {
            if (f.ValueKind != JsonValueKind.Object)
            {
                errors.Add("ticket.customFields", "must be an object of name: value");
            }
            else
            {
                foreach (JsonProperty field in f.EnumerateObject())
                {
                    // Ticket systems send numbers and booleans unquoted; the queue's field type decides what they mean.
                    string? value = field.Value.ValueKind switch
                    {
                        JsonValueKind.String => field.Value.GetString(),
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => field.Value.GetRawText(),
                        JsonValueKind.Null => null,
                        _ => Invalid(errors, $"ticket.customFields.{field.Name}", "must be a string, number, boolean or null"),
                    };
                    if (!fields.TryAdd(field.Name, value))
                    {
                        errors.Add($"ticket.customFields.{field.Name}", "is given twice (names are case-insensitive)");
                    }
                }
            }
        }

        return id is null ? null : new ExternalTicketSnapshot(id, url, queue, subject, status, priority, requestors, fields);
    }

    private static ReleaseTransition? Transition(JsonElement root, string? deliveryId, Errors errors)
    {
        string? ticketId = errors.RequiredString(root, "ticketId", "ticketId", MaxIdLength);
        if (ticketId is not null && ticketId.Any(char.IsControl))
        {
            errors.Add("ticketId", "must not contain control characters");
            ticketId = null;
        }

        RolloutProgress? current = null, previous = null;
        if (!TryGet(root, "rolloutProgress", out JsonElement progress))
        {
            errors.Add("rolloutProgress", "is required");
        }
        else if (progress.ValueKind != JsonValueKind.Object)
        {
            errors.Add("rolloutProgress", "must be an object with current and previous");
        }
        else
        {
            current = State(progress, "current", errors);
            previous = State(progress, "previous", errors);
            if (current is not null && current == previous)
            {
                errors.Add("rolloutProgress.current", "must differ from rolloutProgress.previous");
            }
        }

        bool emergency = errors.OptionalBoolean(root, "emergency", "emergency") ?? false;
        return ticketId is null || current is null || previous is null
            ? null
            : new ReleaseTransition(ticketId, current.Value, previous.Value, emergency, deliveryId);
    }

    private static RolloutProgress? State(JsonElement progress, string name, Errors errors)
    {
        string field = $"rolloutProgress.{name}";
        string? text = errors.RequiredString(progress, name, field, 64);
        if (text is null)
        {
            return null;
        }

        // Names only: Enum.TryParse would also take "4" or "Submitted, Failed".
        foreach (RolloutProgress state in Enum.GetValues<RolloutProgress>())
        {
            if (string.Equals(state.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return state;
            }
        }

        errors.Add(field, $"must be a RolloutProgress state: {string.Join(", ", Enum.GetNames<RolloutProgress>())}");
        return null;
    }

    private static string? Invalid(Errors errors, string field, string rule)
    {
        errors.Add(field, rule);
        return null;
    }

    private static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        // A JSON null counts as absent: many senders write null for unset optional fields.
        if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    private sealed class Errors
    {
        public List<TicketHookError> List { get; } = [];

        public TicketHook? Add(string field, string rule)
        {
            if (List.Count < MaxErrors)
            {
                List.Add(new TicketHookError(field, rule));
            }

            return null;
        }

        public string? RequiredString(JsonElement obj, string name, string field, int maxLength)
        {
            if (!TryGet(obj, name, out _))
            {
                Add(field, "is required");
                return null;
            }

            string? text = OptionalString(obj, name, field, maxLength);
            if (text is not null && text.Length == 0)
            {
                Add(field, "must not be empty");
                return null;
            }

            return text;
        }

        public string? OptionalString(JsonElement obj, string name, string field, int maxLength)
        {
            if (!TryGet(obj, name, out JsonElement value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                Add(field, "must be a string");
                return null;
            }

            string text = value.GetString()!;
            if (text.Length > maxLength)
            {
                Add(field, $"must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters");
                return null;
            }

            return text;
        }

        public bool? OptionalBoolean(JsonElement obj, string name, string field)
        {
            if (!TryGet(obj, name, out JsonElement value))
            {
                return null;
            }

            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return value.GetBoolean();
            }

            Add(field, "must be true or false");
            return null;
        }
    }
}
