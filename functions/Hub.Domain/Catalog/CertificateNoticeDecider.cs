using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Catalog;

/// <summary>One certificate notice per <see cref="CertificateDue.Key"/> (service, tier, CN, expiry): the ticket it opened, if any.</summary>
public sealed record CertificateNoticeState(long? Ticket);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(NoticeCertificate), "notice-certificate")]
public abstract record CertificateNoticeCommand;

/// <summary>The certificate is due: open its ticket in <paramref name="Queue"/> unless this key has one.</summary>
/// <param name="CandidateNumber">The ticket number to use (0: none reserved yet).</param>
public sealed record NoticeCertificate(CertificateDue Due, string Queue, long CandidateNumber) : CertificateNoticeCommand;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CertificateTicketOpened), "ticket-opened")]
public abstract record CertificateNoticeEvent;

public sealed record CertificateTicketOpened(long Number, DateTimeOffset At) : CertificateNoticeEvent;

/// <summary>
/// Opens one ticket per certificate nearing expiry (issue #13), for the service's owners (its requestors, who are
/// mailed as on any ticket). A renewed certificate has a new expiry and so a new key: when it nears expiry in turn, it
/// gets a ticket of its own.
/// </summary>
public sealed class CertificateNoticeDecider : IDecider<CertificateNoticeState, CertificateNoticeCommand, CertificateNoticeEvent>
{
    public const string AggregateKind = "certificate";

    /// <summary>The refusal that asks the caller to reserve a ticket number and try again.</summary>
    public const string NeedsNumber = "A ticket is needed for this certificate and no ticket number was reserved.";

    /// <summary>The refusal when the key has its ticket already: nothing to do.</summary>
    public const string AlreadyNoticed = "This certificate has its ticket already";

    /// <summary>Who opens the tickets.</summary>
    public static readonly Actor Actor = new("hub:certificates", Role.AppAdmin);

    public string Kind => AggregateKind;

    public CertificateNoticeState Initial => new((long?)null);

    public Result<Decision<CertificateNoticeEvent>> Decide(CertificateNoticeState state, CertificateNoticeCommand command, DateTimeOffset now) => command switch
    {
        NoticeCertificate when state.Ticket is { } ticket => Result<Decision<CertificateNoticeEvent>>.Rejected($"{AlreadyNoticed}: #{ticket}."),
        NoticeCertificate { CandidateNumber: <= 0 } => Result<Decision<CertificateNoticeEvent>>.Rejected(NeedsNumber),
        NoticeCertificate n => Result<Decision<CertificateNoticeEvent>>.Ok(new Decision<CertificateNoticeEvent>(
            [new CertificateTicketOpened(n.CandidateNumber, now)],
            [AggregateCommand.Create<TicketCommand>(
                TicketDecider.AggregateKind,
                n.CandidateNumber.ToString(CultureInfo.InvariantCulture),
                new CreateTicket(Actor, n.CandidateNumber, n.Queue, Subject(n.Due), Body(n.Due, now), Requestors: n.Due.Owners, Source: "catalog:certificates"),
                Actor.Name)])),
        _ => Result<Decision<CertificateNoticeEvent>>.Rejected($"Unknown certificate command {command.GetType().Name}."),
    };

    public CertificateNoticeState Evolve(CertificateNoticeState state, CertificateNoticeEvent @event) => @event switch
    {
        CertificateTicketOpened o => new CertificateNoticeState(o.Number),
        _ => state,
    };

    public Result<CertificateNoticeCommand> OnTimer(CertificateNoticeState state, TimerFired timer) =>
        Result<CertificateNoticeCommand>.Rejected("Certificate notices set no timers.");

    public string? StateName(CertificateNoticeState state) => state.Ticket is null ? null : "noticed";

    public static string Subject(CertificateDue due)
    {
        ArgumentNullException.ThrowIfNull(due);
        string when = due.Expiry.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return $"[Certificate] {due.Service} {due.Tier}: {due.CommonName} {(due.Expired ? "expired" : "expires")} {when}";
    }

    private static string Body(CertificateDue due, DateTimeOffset now)
    {
        var body = new StringBuilder();
        int days = (int)Math.Floor((due.Expiry - now).TotalDays);
        body.Append(CultureInfo.InvariantCulture, $"The certificate {due.CommonName} of {due.Service} ({due.Tier}) ");
        body.Append(due.Expired
            ? string.Create(CultureInfo.InvariantCulture, $"expired on {due.Expiry.UtcDateTime:yyyy-MM-dd HH:mm} UTC.\n")
            : string.Create(CultureInfo.InvariantCulture, $"expires on {due.Expiry.UtcDateTime:yyyy-MM-dd HH:mm} UTC, in {days} day{(days == 1 ? "" : "s")}.\n"));
        if (due.Authority is { } ca)
        {
            body.Append(CultureInfo.InvariantCulture, $"Issued by: {ca}\n");
        }

        if (due.Servers.Count > 0)
        {
            body.Append(CultureInfo.InvariantCulture, $"Installed on: {string.Join(", ", due.Servers)}\n");
        }

        body.Append("Renew it and record the new expiry in the service's catalog record (PUT /api/catalog/services/")
            .Append(due.Service).Append("); a renewed certificate nearing expiry gets a ticket of its own.\n");
        return body.ToString();
    }
}
