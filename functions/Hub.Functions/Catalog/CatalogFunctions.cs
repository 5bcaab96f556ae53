using System.Text.Json;
using Hub.Domain.Catalog;
using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Hub.Functions.Intake;
using Hub.Functions.Security;
using Hub.Functions.Tickets;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Catalog;

/// <summary>
/// The service catalog (docs/catalog.md): <c>GET /api/catalog/services</c>, <c>GET</c> and <c>PUT
/// /api/catalog/services/{service}</c> and its history. A record is versioned: the ETag is its version, a PUT over an
/// existing record needs If-Match (428 without, 412 when stale), and every version says who changed which fields
/// when. <c>config/hub.yaml</c>'s <c>services:</c> are version 0; the first PUT supersedes them.
/// </summary>
public sealed class CatalogFunctions(
    AggregateProcessor<ServiceEntryState, ServiceEntryCommand, ServiceEntryEvent> services, ServiceCatalogReader catalog, DurableStorage storage, HubConfiguration config)
{
    [Function("Catalog_List")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Catalog")]
    [EndpointSummary("Every catalogued service: name, startup rank, tiers, version, and who changed it last")]
    [ProducesResponseType<ServiceList>(StatusCodes.Status200OK)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/catalog/services")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        return TypedResults.Ok(new ServiceList([.. (await catalog.AllAsync(ct))
            .Select(e => new ServiceListItem(e.Record.Name, e.Record.StartupRank, [.. e.Record.Tiers.Select(t => t.Name)], e.Record.Owners, e.Version, e.Source, e.ChangedBy, e.ChangedAt))]));
    }

    [Function("Catalog_Get")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Catalog")]
    [EndpointSummary("A service record with its version (the ETag) and who changed it last")]
    [ProducesResponseType<ServiceEntry>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/catalog/services/{service}")] HttpRequest request, string service, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        if (await EntryAsync(service, ct) is not { } entry)
        {
            return NotFound(service);
        }

        request.HttpContext.Response.Headers.ETag = ApiAnswers.ETag(entry.Version);
        return TypedResults.Ok(entry);
    }

    [Function("Catalog_History")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Catalog")]
    [EndpointSummary("Every stored version of a service record: who, when, which fields changed, and the record")]
    [ProducesResponseType<ServiceHistory>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> HistoryAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/catalog/services/{service}/history")] HttpRequest request, string service, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        if (await EntryAsync(service, ct) is not { } entry)
        {
            return NotFound(service);
        }

        IReadOnlyList<EventRecord> events = await services.AllHistoryAsync(ServiceEntryDecider.Id(service), ct);
        List<ServiceVersion> versions = [.. events.Where(e => e.Type == nameof(ServiceRecorded))
            .Select(e => JsonSerializer.Deserialize<ServiceEntryEvent>(e.Data, IntakeProblems.Json) as ServiceRecorded)
            .OfType<ServiceRecorded>()
            .Select(r => new ServiceVersion(r.Version, r.Actor, r.At, r.Changed, r.Record))
            .Reverse()];
        return TypedResults.Ok(new ServiceHistory(entry.Record.Name, entry.Version, entry.Source, versions));
    }

    [Function("Catalog_Put")]
    [RequireRole(Role.Operator, Role.AppAdmin)]
    [Tags("Catalog")]
    [EndpointSummary("Store a service record as its next version; If-Match with the ETag is required over an existing record")]
    [Consumes(typeof(ServiceRecord), "application/json")]
    [ProducesResponseType<ServiceEntry>(StatusCodes.Status200OK)]
    [ProducesResponseType<ServiceEntry>(StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status400BadRequest)]
    [ProducesResponseType(StatusCodes.Status412PreconditionFailed)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [ProducesResponseType(StatusCodes.Status428PreconditionRequired)]
    public async Task<IResult> PutAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/catalog/services/{service}")] HttpRequest request, string service, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<ServiceRecord> read = await RequestJson.ReadAsync<ServiceRecord>(request, ct);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        ServiceRecord record = string.IsNullOrEmpty(read.Value!.Name) ? read.Value with { Name = service } : read.Value;
        if (!string.Equals(record.Name, service, StringComparison.OrdinalIgnoreCase))
        {
            return ApiAnswers.Invalid("name", $"must be the service of the path, '{service}' (a service is renamed by storing it under its new name)");
        }

        if (ServiceValidator.Validate(record) is { Count: > 0 } problems)
        {
            return IntakeProblems.Invalid(
                $"The service record breaks {problems.Count} rule{(problems.Count == 1 ? "" : "s")}.",
                problems.Select(p => new IntakeProblems.FieldError(p.Path, p.Message)));
        }

        await storage.EnsureAsync(ct);
        ServiceEntry? current = await EntryAsync(service, ct);
        (IResult? precondition, int? expected) = ApiAnswers.IfMatch(request, $"Service '{service}'", current?.Version, current?.ChangedBy);
        if (precondition is not null)
        {
            return precondition;
        }

        if (current is not null && ServiceEntryDecider.Changed(current.Record, record).Count == 0)
        {
            request.HttpContext.Response.Headers.ETag = ApiAnswers.ETag(current.Version);
            return TypedResults.Ok(current); // the same record: no new version
        }

        Actor actor = TicketAnswers.ActorFor(request.HttpContext.GetRequiredApiCaller(), Role.Operator);
        CommandOutcome<ServiceEntryState> outcome = await services.HandleAsync(
            ServiceEntryDecider.Id(service), null, new RecordService(actor, record, expected, config.Catalog.Service(service)), actor.Name, ct);
        if (outcome.Status == CommandStatus.Rejected)
        {
            return outcome.Reason?.StartsWith(ServiceEntryDecider.Stale, StringComparison.Ordinal) == true && await EntryAsync(service, ct) is { } now
                ? Stale(now)
                : TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Service record refused", detail: outcome.Reason);
        }

        ServiceEntry stored = ServiceEntry.From(outcome.State);
        catalog.Remember(stored); // what this process feeds from the catalog sees the new version at once
        request.HttpContext.Response.Headers.ETag = ApiAnswers.ETag(stored.Version);
        return current is null
            ? TypedResults.Created($"/api/catalog/services/{Uri.EscapeDataString(stored.Record.Name)}", stored)
            : TypedResults.Ok(stored);
    }

    private Task<ServiceEntry?> EntryAsync(string service, CancellationToken ct) => catalog.GetAsync(service, ct);

    private static IResult Stale(ServiceEntry current) => ApiAnswers.Stale($"Service '{current.Record.Name}'", current.Version, current.ChangedBy);

    private static ProblemHttpResult NotFound(string service) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such service", detail: $"No service '{service}' is catalogued.");
}

/// <summary>A service record as the catalog has it.</summary>
/// <param name="Version">0 while only config/hub.yaml describes it; then 1, 2, ... per stored version (the ETag).</param>
/// <param name="Source"><c>config</c> or <c>api</c>: where the current version came from.</param>
public sealed record ServiceEntry(ServiceRecord Record, int Version, string Source, string? ChangedBy, DateTimeOffset? ChangedAt)
{
    public static ServiceEntry From(ServiceEntryState state) => new(state.Record!, state.Version, "api", state.ChangedBy, state.ChangedAt);

    public static ServiceEntry FromConfig(ServiceRecord seed) => new(seed, 0, "config", null, null);
}

public sealed record ServiceListItem(
    string Name, int? StartupRank, IReadOnlyList<string> Tiers, IReadOnlyList<string> Owners, int Version, string Source, string? ChangedBy, DateTimeOffset? ChangedAt);

public sealed record ServiceList(IReadOnlyList<ServiceListItem> Items);

/// <summary>One stored version: who stored it, when, and the fields that differ from the version before.</summary>
public sealed record ServiceVersion(int Version, string Actor, DateTimeOffset At, IReadOnlyList<string> Changed, ServiceRecord Record);

/// <summary>A service's stored versions, newest first.</summary>
public sealed record ServiceHistory(string Service, int Version, string Source, IReadOnlyList<ServiceVersion> Versions);
