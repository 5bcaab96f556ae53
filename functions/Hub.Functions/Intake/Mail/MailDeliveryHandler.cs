using System.Globalization;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Mail;
using Hub.Domain.Tickets;
using Hub.Storage.Durable;
using Hub.Storage.Tickets;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// Applies a queued mail: looks up what it threads to (the tagged ticket, the mail-thread of a Message-ID it replies
/// to, the open monitoring ticket), then lets the mail's own mail-thread aggregate decide. Every delivery of one mail
/// uses the same aggregate and inbox id, so a mail delivered many times, even concurrently, is applied once.
/// Routed like an aggregate kind, though it keeps no state of its own.
/// </summary>
public sealed class MailDeliveryHandler(
    AggregateProcessor<MailThreadState, MailThreadCommand, MailThreadEvent> threads,
    AggregateProcessor<MailMonitorState, MailMonitorCommand, MailMonitorEvent> monitors,
    AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets,
    TicketNumbers numbers,
    HubConfiguration config) : IAggregateHandler
{
    public const string AggregateKind = "mail-delivery";

    // The inbox id of every delivery of a mail: the aggregate is the mail, so one id per aggregate is enough.
    private const string InboxId = "mail";

    // A reply's References can be long; the newest few are where its ticket is.
    private const int MaxReferenceLookups = 10;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => AggregateKind;

    public async Task<CommandStatus> HandleJsonAsync(string aggregateId, string messageId, string commandJson, string actor, CancellationToken cancellationToken)
    {
        MailDelivery delivery = JsonSerializer.Deserialize<MailDelivery>(commandJson, Json)
            ?? throw new FormatException($"Mail delivery {aggregateId} is empty.");
        AggregateView<MailThreadState>? seen = await threads.GetAsync(delivery.ThreadId, cancellationToken);
        if (seen is { State.Recorded: true })
        {
            return CommandStatus.Duplicate;
        }

        MailSummary mail = delivery.Mail;
        long? tagged = MailThreading.TicketTag(mail.Subject) is { } tag && await ExistsAsync(tag, cancellationToken) ? tag : null;
        long? reply = tagged is null ? await ReplyTicketAsync(delivery, cancellationToken) : null;
        long? monitoring = tagged is null && reply is null && MailRouting.IsMonitoringSender(mail.From, config.Mail)
            ? await OpenMonitoringTicketAsync(mail, cancellationToken)
            : null;

        ReceiveMail Command(long candidate) => new(mail, tagged, reply, monitoring, candidate, delivery.ReceivedAt);
        // What the thread decider does is settled by now: a mail that threads nowhere and is not the hub's own opens a
        // ticket. Reserve its number first and decide on the state just read: one commit, no refusal and re-read.
        CommandOutcome<MailThreadState> outcome = tagged is null && reply is null && monitoring is null && !mail.FromHub
            ? await numbers.HandleWithNewNumberAsync(
                threads, delivery.ThreadId, InboxId, Command, MailThreadDecider.NeedsNumber, actor, seen?.Basis ?? AggregateBasis.Absent, cancellationToken)
            : await numbers.HandleReservingAsync(
                threads, delivery.ThreadId, InboxId, Command, MailThreadDecider.NeedsNumber, actor, cancellationToken);
        return outcome.Status;
    }

    private async Task<bool> ExistsAsync(long number, CancellationToken ct) =>
        (await tickets.GetAsync(Id(number), ct)) is { State.Exists: true };

    // In-Reply-To first, then References newest first: the Message-IDs the hub has seen know their ticket.
    private async Task<long?> ReplyTicketAsync(MailDelivery delivery, CancellationToken ct)
    {
        IEnumerable<string> ids = (delivery.Mail.InReplyTo is { } inReplyTo ? [inReplyTo] : Array.Empty<string>())
            .Concat(delivery.Mail.References.Reverse())
            .Where(id => id.Length > 0 && id != delivery.ThreadId)
            .Distinct(StringComparer.Ordinal)
            .Take(MaxReferenceLookups);
        foreach (string id in ids)
        {
            if (await threads.GetAsync(id, ct) is { State.Ticket: { } ticket } && await ExistsAsync(ticket, ct))
            {
                return ticket;
            }
        }

        return null;
    }

    // The monitoring key's ticket, while it is open (a resolved one gets a new ticket on the next mail).
    private async Task<long?> OpenMonitoringTicketAsync(MailSummary mail, CancellationToken ct)
    {
        if (await monitors.GetAsync(MailRouting.MonitoringKey(mail.From, mail.Subject), ct) is not { State.Ticket: { } number })
        {
            return null;
        }

        return await tickets.GetAsync(Id(number), ct) is { State: { Exists: true, ResolvedAt: null } } ? number : null;
    }

    private static string Id(long number) => number.ToString(CultureInfo.InvariantCulture);
}
