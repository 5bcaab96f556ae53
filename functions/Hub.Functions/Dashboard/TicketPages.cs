using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Hub.Functions.Intake.Mail;
using Hub.Functions.Tickets;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using static Hub.Functions.Tickets.TicketAnswers;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The tickets pages (docs/dashboard.md): the list per queue and status with search, one page at a time, filtered by
/// the same <see cref="TicketFilter"/> as <c>GET /api/tickets</c>; a ticket with its history, watchers, links and
/// attachments, each file downloadable with the session. Any signed-in role reads them.
/// </summary>
public sealed class TicketPages(
    DashboardGuard guard, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, AggregateStore store, TicketIndex index, MailAttachmentStore files,
    DurableStorage storage, HubConfiguration config, TimeProvider clock)
{
    /// <summary>Tickets on one page of the list.</summary>
    public const int PageSize = 50;

    [Function("Dashboard_Tickets")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: tickets by queue, status, owner and subject text, a page at a time (HTML)")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        if (request.Continuation(out long? after) is { } badContinuation)
        {
            return badContinuation;
        }

        var filter = TicketFilter.From(request);
        await storage.EnsureAsync(ct);
        (List<TicketSummary> items, string? next) = await TicketFunctions.PageAsync(store, index, filter, PageSize, after, ct);
        return DashboardGuard.Page(TicketsHtml.List(session, config, filter, after, items, next));
    }

    [Function("Dashboard_Ticket")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: one ticket with its history, time in each status, watchers, links and attachments (HTML)")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> TicketAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets/{number:long}")] HttpRequest request, long number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is not { } session)
        {
            return DashboardGuard.ToSignIn(request);
        }

        await storage.EnsureAsync(ct);
        AggregateView<TicketState>? view = await tickets.GetAsync(Id(number), ct);
        if (view is null || !view.State.Exists)
        {
            return DashboardGuard.Page(TicketsHtml.Missing(session, number), StatusCodes.Status404NotFound);
        }

        IReadOnlyList<EventRecord> history = await tickets.AllHistoryAsync(Id(number), ct);
        return DashboardGuard.Page(TicketsHtml.Ticket(session, view.State, history, TicketAttachmentFunctions.Attachments(history), clock.GetUtcNow()));
    }

    [Function("Dashboard_TicketAttachment")]
    [AllowAnonymous]
    [Tags("Dashboard")]
    [EndpointSummary("The dashboard: download one of a ticket's files")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status302Found)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> AttachmentAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets/{number:long}/attachments/{*blobName}")] HttpRequest request,
        long number, string blobName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (guard.Session(request) is null)
        {
            return DashboardGuard.ToSignIn(request);
        }

        await storage.EnsureAsync(ct);
        return await TicketAttachmentFunctions.ServeAsync(files, TicketAttachmentFunctions.Attachments(await tickets.AllHistoryAsync(Id(number), ct)), number, blobName, ct);
    }
}
