using System.Text.Json.Serialization;
using Hub.Domain.Configuration;

namespace Hub.Domain.Tickets;

/// <summary>
/// A Request-Tracker-style ticket. Stored as JSON by the durable runtime, so every collection is an immutable
/// interface and every change is a <c>with</c> copy made by <see cref="TicketDecider.Evolve"/>.
/// </summary>
/// <param name="Number">The ticket number, allocated outside the aggregate; 0 means the ticket does not exist yet.</param>
/// <param name="CustomFields">Field name (the queue's spelling) -> canonical value.</param>
/// <param name="StatusSince">When the ticket entered <paramref name="Status"/>.</param>
/// <param name="TimeInStatus">Status -> time spent in it, closed intervals only; see <see cref="TimeInStatusAt"/>.</param>
/// <param name="MessageIds">Mail Message-IDs seen on this ticket (newest last, at most <see cref="MaxMessageIds"/>).</param>
public sealed record TicketState(
    long Number,
    string Queue,
    string Subject,
    string Status,
    int Priority,
    string? Owner,
    IReadOnlyList<string> Requestors,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> AdminCc,
    IReadOnlyDictionary<string, string> CustomFields,
    IReadOnlyList<TicketLink> Links,
    IReadOnlyList<ExternalRef> ExternalRefs,
    string Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset StatusSince,
    IReadOnlyDictionary<string, TimeSpan> TimeInStatus,
    AlertClassification? Classification,
    AlertInfo? Alert,
    IReadOnlyList<string> MessageIds,
    int AttachmentCount,
    Escalation? Escalation = null)
{
    public const int MaxMessageIds = 200;

    /// <summary>The state of a ticket number nothing has been recorded for.</summary>
    public static TicketState None { get; } = new(
        0, "", "", "", 0, null, [], [], [], new Dictionary<string, string>(), [], [], "",
        default, default, null, default, new Dictionary<string, TimeSpan>(), null, null, [], 0);

    [JsonIgnore]
    public bool Exists => Number != 0;

    /// <summary>Time spent in each status up to <paramref name="now"/>, including the interval still open.</summary>
    public IReadOnlyDictionary<string, TimeSpan> TimeInStatusAt(DateTimeOffset now)
    {
        var times = new Dictionary<string, TimeSpan>(TimeInStatus, StringComparer.OrdinalIgnoreCase);
        if (Exists && now > StatusSince)
        {
            times[Status] = times.GetValueOrDefault(Status) + (now - StatusSince);
        }

        return times;
    }
}
