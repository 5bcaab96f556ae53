using System.Globalization;
using System.Text.Json;
using Hub.Domain.Changes;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;
using Hub.Functions.Catalog;
using Hub.Storage.Durable;

namespace Hub.Functions.Changes;

/// <summary>
/// <c>change.mail</c>: a deployment request that came by mail (docs/mail.md, docs/changes.md). Its ticket exists already
/// (the intake made it, in ProductionDeploy), so the change opens on that number with <c>TicketExists</c>, taking the
/// service's facts from the catalog as <c>POST /api/changes</c> does. When a line is missing or not understood, the
/// service is not in the catalog, or the change's rules refuse the request, no change opens and the ticket gets an
/// internal comment naming every problem: the mail was accepted, so it must not vanish. Both commands carry the
/// outbox key as their message id, so a redelivered effect changes nothing.
/// </summary>
public sealed class ChangeMailEffect(IServiceProvider provider) : ISideEffectHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => ChangeMailRequest.EffectKind;

    public async Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ChangeMailRequest request = JsonSerializer.Deserialize<ChangeMailRequest>(context.Payload, Json)
            ?? throw new FormatException("The change mail payload is null.");
        List<string> problems = [.. request.Problems()];
        ChangeService? service = await ServiceAsync(request, problems, cancellationToken);
        if (problems.Count == 0)
        {
            var open = new OpenChange(
                new ChangeActor(request.From, []), request.Ticket, service!, request.Version, ChangeKinds.Parse(request.Kind)!.Value, request.Subject, TicketExists: true);
            if (ChangeDecider.Invalid(open) is { } invalid)
            {
                problems.Add(invalid);
            }
            else
            {
                // Resolved on first use: the aggregates depend on the outbox dispatcher, which depends on this effect.
                var changes = provider.GetRequiredService<AggregateProcessor<ChangeState, ChangeCommand, ChangeEvent>>();
                CommandOutcome<ChangeState> opened = await changes.HandleAsync(
                    ChangeDecider.IdOf(request.Ticket), context.IdempotencyKey, open, request.From, cancellationToken);
                if (opened.Status != CommandStatus.Rejected)
                {
                    return;
                }

                problems.Add(opened.Reason ?? "the change was refused");
            }
        }

        await CommentAsync(request, problems, context.IdempotencyKey, cancellationToken);
    }

    private async Task<ChangeService?> ServiceAsync(ChangeMailRequest request, List<string> problems, CancellationToken ct)
    {
        if (request.Service is not { } name)
        {
            return null;
        }

        var catalog = provider.GetRequiredService<ServiceCatalogReader>();
        if (await catalog.GetAsync(name, ct) is not { } entry)
        {
            problems.Add($"Service: '{name}' is not in the catalog (GET /api/catalog/services)");
            return null;
        }

        Result<ChangeService> facts = ChangeFacts.Of(entry.Record, provider.GetRequiredService<HubConfiguration>());
        if (!facts.IsOk)
        {
            problems.Add(facts.Reason!);
        }

        return facts.Value;
    }

    private async Task CommentAsync(ChangeMailRequest request, List<string> problems, string messageId, CancellationToken ct)
    {
        var tickets = provider.GetRequiredService<AggregateProcessor<TicketState, TicketCommand, TicketEvent>>();
        string body = $"[hub] This deployment request opened no change. {string.Join("; ", problems.Select(p => p.TrimEnd('.')))}. "
            + "Correct the request with those lines and open the change with POST /api/changes.";
        CommandOutcome<TicketState> commented = await tickets.HandleAsync(
            request.Ticket.ToString(CultureInfo.InvariantCulture), messageId, new Comment(Actor.System, body), "change", ct);
        if (commented.Status == CommandStatus.Rejected)
        {
            // The ticket's create runs before this row; when it failed, it is retried, and so is this comment (the
            // dispatcher logs the failure).
            throw new InvalidOperationException($"Ticket #{request.Ticket} refused the comment on its deployment request: {commented.Reason}");
        }
    }
}
