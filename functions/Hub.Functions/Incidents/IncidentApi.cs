using Hub.Domain.Incidents;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Hub.Functions.Idempotency;
using Hub.Functions.Security;
using Hub.Storage.Durable;

namespace Hub.Functions.Incidents;

/// <summary>
/// Sends one API command to an incident, completed with its service's catalog record (<see cref="IncidentCatalogFeed"/>),
/// and turns the outcome into a response.
/// </summary>
public sealed class IncidentApi(AggregateProcessor<IncidentState, IncidentCommand, IncidentEvent> incidents, DurableStorage storage, IncidentCatalogFeed catalog)
{
    public AggregateProcessor<IncidentState, IncidentCommand, IncidentEvent> Incidents => incidents;

    public async Task<IResult> SendAsync(
        long ticket, HttpContext http, Func<Actor, IncidentCommand> command, CancellationToken ct, bool created = false, bool mayCreate = false)
    {
        ArgumentNullException.ThrowIfNull(http);
        CreateAnswer answer = await DecideAsync(ticket, http, Http.ApiAnswers.IdempotencyKey(http.Request), command, ct, created, mayCreate);
        return answer.Refusal
            ?? (created ? TypedResults.Created(answer.Location, (IncidentSummary)answer.Value!) : TypedResults.Ok((IncidentSummary)answer.Value!));
    }

    /// <summary>Sends the command under <paramref name="inboxId"/>; the answer is 201 (<paramref name="created"/>) or 200 with the summary, or the refusal.</summary>
    public async Task<CreateAnswer> DecideAsync(
        long ticket, HttpContext http, string? inboxId, Func<Actor, IncidentCommand> command, CancellationToken ct, bool created = false, bool mayCreate = false)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(command);
        await storage.EnsureAsync(ct);
        string id = IncidentResults.Id(ticket);
        if (!created && !mayCreate && await incidents.GetAsync(id, ct) is not { State.Exists: true })
        {
            return CreateAnswer.Refused(IncidentResults.NotFound(ticket));
        }

        Actor actor = ActorFor(http);
        IncidentCommand completed = await catalog.CompleteAsync(command(actor), ct);
        CommandOutcome<IncidentState> outcome = await incidents.HandleAsync(id, inboxId, completed, actor.Name, ct);
        if (outcome.Status == CommandStatus.Rejected)
        {
            return CreateAnswer.Refused(IncidentResults.Refused(outcome.Reason!));
        }

        IncidentSummary summary = IncidentSummary.From(outcome.State);
        return created ? CreateAnswer.Created($"/api/incidents/{id}", summary) : CreateAnswer.Ok(summary);
    }

    /// <summary>Reads the request's JSON body (415/413/400 problems when it is not one), then sends the command made from it.</summary>
    public async Task<IResult> SendAsync<TBody>(HttpRequest request, long ticket, Func<TBody, Actor, IncidentCommand> command, CancellationToken ct)
        where TBody : class
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(command);
        JsonBody<TBody> body = await RequestJson.ReadAsync<TBody>(request, ct);
        return body.Problem ?? await SendAsync(ticket, request.HttpContext, actor => command(body.Value!, actor), ct);
    }

    /// <summary>The caller acts under its own name (rota members call with their rota name) and strongest role.</summary>
    public static Actor ActorFor(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        ApiCaller caller = http.GetRequiredApiCaller();
        Hub.Domain.Configuration.Role strongest = caller.Roles.Contains(Hub.Domain.Configuration.Role.AppAdmin) ? Hub.Domain.Configuration.Role.AppAdmin : caller.Roles.Max();
        return new Actor(caller.Name, strongest);
    }
}
