using System.Text.Json.Serialization;

namespace Hub.Domain.Intake.Tickets;

/// <summary>A verified, parsed body of <c>POST /api/hooks/tickets/{system}</c>: a ticket event or a release transition.</summary>
public abstract record TicketHook(string? DeliveryId);

[JsonConverter(typeof(JsonStringEnumConverter<TicketEventKind>))]
public enum TicketEventKind
{
    Created,
    Updated,
    Commented,
    Status,
}

/// <summary>Something happened to ticket <see cref="ExternalTicketSnapshot.Id"/> in the external system.</summary>
public sealed record TicketSystemEvent(TicketEventKind Kind, string? DeliveryId, ExternalTicketSnapshot Ticket, ExternalComment? Comment)
    : TicketHook(DeliveryId);

/// <summary>The external ticket as the event describes it; absent values are unknown, not cleared.</summary>
public sealed record ExternalTicketSnapshot(
    string Id,
    string? Url = null,
    string? Queue = null,
    string? Subject = null,
    string? Status = null,
    int? Priority = null,
    IReadOnlyList<string>? Requestors = null,
    IReadOnlyDictionary<string, string?>? CustomFields = null)
{
    public IReadOnlyList<string> Requestors { get; init; } = Requestors ?? [];

    public IReadOnlyDictionary<string, string?> CustomFields { get; init; } = CustomFields ?? new Dictionary<string, string?>();
}

public sealed record ExternalComment(string Body, string? Author, bool Internal);

/// <summary>The release-workflow transition API: the external ticket moved from <paramref name="Previous"/> to <paramref name="Current"/>.</summary>
public sealed record ReleaseTransition(string TicketId, RolloutProgress Current, RolloutProgress Previous, bool Emergency, string? DeliveryId)
    : TicketHook(DeliveryId);
