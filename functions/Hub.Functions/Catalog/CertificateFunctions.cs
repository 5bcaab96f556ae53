using Hub.Domain.Catalog;
using Hub.Functions.Hosting;
using Hub.Storage.Durable;
using Hub.Storage.Tickets;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Catalog;

/// <summary>
/// The CertificateCheck timer (docs/catalog.md): every catalogued certificate that expires within
/// <c>Hub__CertificateLeadTime</c> (or has expired) gets one ticket in <c>Hub__CertificateQueue</c> for its service's
/// owners, once per (service, tier, CN, expiry); a renewed certificate's new expiry is a new key.
/// </summary>
public sealed class CertificateFunctions(
    ServiceCatalogReader catalog,
    AggregateProcessor<CertificateNoticeState, CertificateNoticeCommand, CertificateNoticeEvent> notices,
    TicketNumbers numbers,
    Durable.DurableStorage storage,
    HubOptions options,
    TimeProvider clock,
    ILogger<CertificateFunctions> logger)
{
    [Function("CertificateCheck")]
    public async Task RunAsync([TimerTrigger("%Hub__CertificateCheckSchedule%", RunOnStartup = false, UseMonitor = true)] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        await storage.EnsureAsync(ct);
        IReadOnlyList<ServiceEntry> services = await catalog.AllAsync(ct);
        IReadOnlyList<CertificateDue> due = CertificateExpiry.Due(new ServiceCatalog([.. services.Select(s => s.Record)]), options.CertificateLeadTime, clock.GetUtcNow());
        int opened = 0;
        foreach (CertificateDue certificate in due)
        {
            CommandOutcome<CertificateNoticeState> outcome = await numbers.HandleReservingAsync(
                notices,
                certificate.Key,
                certificate.Key,
                candidate => new NoticeCertificate(certificate, options.CertificateQueue, candidate),
                CertificateNoticeDecider.NeedsNumber,
                CertificateNoticeDecider.Actor.Name,
                ct);
            if (outcome.Status == CommandStatus.Applied)
            {
                opened++;
                logger.LogInformation("Certificate {Key} is due: ticket #{Ticket} opened for {Owners}.", certificate.Key, outcome.State.Ticket, string.Join(", ", certificate.Owners));
            }
        }

        logger.LogInformation("Certificate check: {Due} certificates due within {LeadTime}, {Opened} tickets opened.", due.Count, options.CertificateLeadTime, opened);
    }
}
