using System.Text.Json;
using Hub.Domain.Tickets;
using Hub.Functions.Http;

namespace Hub.Functions.Tickets;

public sealed record NewTicket(
    string? Queue, string? Subject, string? Body, IReadOnlyList<string>? Requestors, IReadOnlyList<string>? Cc, int? Priority,
    IReadOnlyDictionary<string, string>? CustomFields);

public sealed record TicketPatch(
    string? Status, string? Reason, string? Owner, int? Priority, string? Subject, IReadOnlyDictionary<string, string?>? CustomFields,
    IReadOnlyList<WatcherChange>? AddWatchers, IReadOnlyList<WatcherChange>? RemoveWatchers);

public sealed record WatcherChange(WatcherKind Kind, string Address);

public sealed record TicketText(string? Body);

/// <summary>Asks for an internal copy in <paramref name="TargetQueue"/> (default ProductionDefect).</summary>
public sealed record Escalate(string? TargetQueue);

public sealed record TicketSummary(long Number, string Queue, string Subject, string Status, int Priority, string? Owner, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static TicketSummary From(TicketState t) => new(t.Number, t.Queue, t.Subject, t.Status, t.Priority, t.Owner, t.CreatedAt, t.UpdatedAt);
}

/// <summary>What the ticket list shows: queue, status and owner equal (any case), the subject containing <paramref name="Q"/>; null matches all.</summary>
public sealed record TicketFilter(string? Queue, string? Status, string? Owner, string? Q)
{
    /// <summary>The filter in a request's query: <c>queue</c>, <c>status</c>, <c>owner</c>, <c>q</c>.</summary>
    public static TicketFilter From(HttpRequest request) => new(request.Text("queue"), request.Text("status"), request.Text("owner"), request.Text("q"));

    /// <summary>The state row's columns the <see cref="TicketIndex"/> keeps.</summary>
    public static readonly IReadOnlyList<string> Columns = ["StateName", TicketDecider.QueueColumn, TicketDecider.OwnerColumn, TicketDecider.SubjectColumn];

    /// <summary>
    /// Whether a ticket may match, judged from its state row's columns: false only when it surely does not. A row
    /// without the queue column was stored before the columns were, and is judged on its state.
    /// </summary>
    public bool MayMatch(TicketColumns row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return (Status is null || string.Equals(row.Status, Status, StringComparison.OrdinalIgnoreCase))
            && (row.Queue is not { } queue
                || ((Queue is null || string.Equals(queue, Queue, StringComparison.OrdinalIgnoreCase))
                    && (Owner is null || string.Equals(row.Owner, Owner, StringComparison.OrdinalIgnoreCase))
                    && (Q is null || (row.Subject ?? "").Contains(Q, StringComparison.OrdinalIgnoreCase))));
    }

    public bool Matches(TicketState t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return (Queue is null || string.Equals(t.Queue, Queue, StringComparison.OrdinalIgnoreCase))
            && (Status is null || string.Equals(t.Status, Status, StringComparison.OrdinalIgnoreCase))
            && (Owner is null || string.Equals(t.Owner, Owner, StringComparison.OrdinalIgnoreCase))
            && (Q is null || t.Subject.Contains(Q, StringComparison.OrdinalIgnoreCase));
    }
}

public sealed record TicketList(IReadOnlyList<TicketSummary> Items, string? Continuation);

public sealed record TicketDetail(TicketState Ticket, IReadOnlyDictionary<string, double> SecondsInStatus, IReadOnlyList<HistoryEntry> History);

public sealed record HistoryEntry(long Sequence, string Type, string Actor, DateTimeOffset At, string? FromState, string? ToState, JsonElement Data);

internal static class TicketJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TicketState State(string json) => JsonSerializer.Deserialize<TicketState>(json, Json) ?? TicketState.None;
}
