using Hub.Domain.Configuration;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Hub.Functions.Idempotency;
using Hub.Functions.Intake;
using Hub.Functions.Security;
using Hub.Functions.Tickets;
using Hub.Storage.Durable;
using Hub.Storage.Tickets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using static Hub.Functions.Releases.ReleaseAnswers;
using static Hub.Functions.Http.ApiAnswers;

namespace Hub.Functions.Releases;

/// <summary>
/// The release API (docs/releases.md): create, list, the release.xml schema, read with history and time in state,
/// transitions and the staged-rollout reports; the uploads are <see cref="ReleaseUploadFunctions"/>. Refusals by the
/// workflow are 409 problems naming both states; invalid input is 422 naming the field and the rule.
/// </summary>
public sealed class ReleaseFunctions(
    HubConfiguration config,
    AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases,
    AggregateStore store,
    TicketNumbers numbers,
    DurableStorage storage,
    IdempotentCreates idempotent,
    TimeProvider clock)
{
    [Function("Releases_Create")]
    [IdempotentCreate]
    [RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Releases")]
    [EndpointSummary("Submit a release: its ticket opens in sw-rel at Submitted; rsync is refused")]
    [Consumes(typeof(NewRelease), "application/json")]
    [ProducesResponseType<ReleaseSummary>(StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> CreateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/releases")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<NewRelease> json = await RequestJson.ReadAsync<NewRelease>(request, ct);
        if (json.Problem is { } problem)
        {
            return problem;
        }

        NewRelease body = json.Value!;
        if (string.IsNullOrWhiteSpace(body.Title))
        {
            return Invalid("title", "is required");
        }

        if (body.Provider is { } provider && !System.Net.Mail.MailAddress.TryCreate(provider, out _))
        {
            return Invalid("provider", "must be a mail address");
        }

        await storage.EnsureAsync(ct);
        ReleaseActor actor = ReleaseActors.For(request.HttpContext.GetRequiredApiCaller(), config.Releases);
        return await idempotent.CreateNumberedAsync(request, json.Raw, numbers, async (number, inbox) =>
        {
            var open = new OpenRelease(
                actor, number, body.Title, body.Provider, body.Emergency ?? false, body.AssociatedMajorRelease, body.ReleaseType, body.SyncProtocol,
                body.SyncUrl, body.ReleaseXmlUrl, body.Watchers);
            CommandOutcome<ReleaseState> outcome = await releases.HandleAsync(ReleaseDecider.IdOf(number), inbox, open, actor.Name, ct);
            return outcome.Status == CommandStatus.Rejected
                ? CreateAnswer.Refused(FieldRefusal(outcome.Reason!))
                : CreateAnswer.Created($"/api/releases/{ReleaseDecider.IdOf(number)}", ReleaseSummary.From(outcome.State));
        }, ct);
    }

    [Function("Releases_List")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Releases")]
    [EndpointSummary("List releases, filtered by RolloutProgress state and major release, paged by continuation")]
    [ProducesResponseType<ReleaseList>(StatusCodes.Status200OK)]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/releases")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (StateFilter(request, out RolloutProgress? state) is { } badState)
        {
            return badState;
        }

        if (request.WholeNumber("pageSize", out int? pageSize) is { } badSize)
        {
            return badSize;
        }

        if (request.Continuation(out long? after) is { } badContinuation)
        {
            return badContinuation;
        }

        string? majorRelease = request.Text("majorRelease");
        await storage.EnsureAsync(ct);
        int size = Math.Clamp(pageSize ?? 50, 1, 500);
        (List<ReleaseSummary> items, string? token) = await StateRows.PageAsync(
            store,
            ReleaseDecider.AggregateKind,
            null,
            json => ReleaseJson.State(json) is { Exists: true } release && (state is null || release.Progress == state)
                && (majorRelease is null || string.Equals(release.MajorRelease, majorRelease, StringComparison.OrdinalIgnoreCase))
                    ? ReleaseSummary.From(release)
                    : null,
            size,
            after,
            ct);
        return TypedResults.Ok(new ReleaseList(items, token));
    }

    [Function("Releases_Schema")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Releases")]
    [EndpointSummary("The release.xml schema (XSD)")]
    public Task<IResult> SchemaAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/releases/schema")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult<IResult>(TypedResults.Text(ReleaseXml.SchemaText(), "application/xml"));
    }

    [Function("Releases_Get")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Releases")]
    [EndpointSummary("A release with its history, time in each state, and pauses apart")]
    [ProducesResponseType<ReleaseDetail>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/releases/{id:long}")] HttpRequest request, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        string key = ReleaseDecider.IdOf(id);
        if (await releases.GetAsync(key, ct) is not { State.Exists: true } view)
        {
            return NotFound(id);
        }

        List<HistoryEntry> history = [.. (await releases.AllHistoryAsync(key, ct)).Select(e => new HistoryEntry(
            e.Sequence, e.Type, e.Actor, e.At, e.FromState, e.ToState, System.Text.Json.JsonDocument.Parse(e.Data).RootElement))];

        IReadOnlyDictionary<RolloutProgress, TimeSpan> times = view.State.TimeInStateAt(clock.GetUtcNow());
        double paused = times.Where(t => t.Key is RolloutProgress.WaitingForResponse or RolloutProgress.Deferred).Sum(t => t.Value.TotalSeconds);
        double active = times.Where(t => t.Key is not (RolloutProgress.WaitingForResponse or RolloutProgress.Deferred) && !ReleaseTransitions.IsClosed(t.Key)).Sum(t => t.Value.TotalSeconds);
        return TypedResults.Ok(new ReleaseDetail(
            view.State, view.State.Status, times.ToDictionary(t => t.Key, t => Math.Round(t.Value.TotalSeconds, 3)), Math.Round(active, 3), Math.Round(paused, 3), history));
    }

    [Function("Releases_Transition")]
    [RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Releases")]
    [EndpointSummary("Move the release through the DESIGN 5.2 table as provider, QC team, SR team or admin")]
    [Consumes(typeof(TransitionRequest), "application/json")]
    [ProducesResponseType<ReleaseSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IResult> TransitionAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/releases/{id:long}/transitions")] HttpRequest request, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<TransitionRequest> json = await RequestJson.ReadAsync<TransitionRequest>(request, ct);
        if (json.Problem is { } problem)
        {
            return problem;
        }

        TransitionRequest body = json.Value!;
        if (body.To is not { } to)
        {
            return Invalid("to", $"is required: one of {string.Join(", ", Enum.GetNames<RolloutProgress>())}");
        }

        await storage.EnsureAsync(ct);
        ReleaseActor actor = ReleaseActors.For(request.HttpContext.GetRequiredApiCaller(), config.Releases);
        return await ApplyAsync(id, new RequestTransition(actor, to, body.Reason, body.Override ?? false, body.QualityCriteriaReportUrl), actor, request, ct);
    }

    [Function("Releases_FileStageRolloutReport")]
    [RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Releases")]
    [EndpointSummary("An early-adopter team's staged-rollout report: accept or reject, with its URL")]
    [Consumes(typeof(StageRolloutReportRequest), "application/json")]
    [ProducesResponseType<ReleaseSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IResult> ReportAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/releases/{id:long}/stage-rollout-reports")] HttpRequest request, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<StageRolloutReportRequest> json = await RequestJson.ReadAsync<StageRolloutReportRequest>(request, ct);
        if (json.Problem is { } problem)
        {
            return problem;
        }

        StageRolloutReportRequest body = json.Value!;
        if (string.IsNullOrWhiteSpace(body.Team))
        {
            return Invalid("team", "is required");
        }

        bool? accepted = body.Result?.Trim().ToLowerInvariant() switch
        {
            "accept" or "accepted" => true,
            "reject" or "rejected" => false,
            _ => null,
        };
        if (accepted is null)
        {
            return Invalid("result", "must be accept or reject");
        }

        if (string.IsNullOrWhiteSpace(body.ReportUrl))
        {
            return Invalid("reportUrl", "is required");
        }

        await storage.EnsureAsync(ct);
        ReleaseActor actor = ReleaseActors.For(request.HttpContext.GetRequiredApiCaller(), config.Releases);
        return await ApplyAsync(id, new FileStageRolloutReport(actor, body.Team, accepted.Value, body.ReportUrl, body.Comment), actor, request, ct);
    }

    [Function("Releases_PublishConsolidatedReport")]
    [RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Releases")]
    [EndpointSummary("Publish the consolidated StageRollout report URL")]
    [Consumes(typeof(ConsolidatedReportRequest), "application/json")]
    [ProducesResponseType<ReleaseSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IResult> ConsolidatedAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/releases/{id:long}/consolidated-report")] HttpRequest request, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<ConsolidatedReportRequest> json = await RequestJson.ReadAsync<ConsolidatedReportRequest>(request, ct);
        if (json.Problem is { } problem)
        {
            return problem;
        }

        ConsolidatedReportRequest body = json.Value!;
        if (string.IsNullOrWhiteSpace(body.ReportUrl))
        {
            return Invalid("reportUrl", "is required");
        }

        await storage.EnsureAsync(ct);
        ReleaseActor actor = ReleaseActors.For(request.HttpContext.GetRequiredApiCaller(), config.Releases);
        return await ApplyAsync(id, new PublishConsolidatedReport(actor, body.ReportUrl), actor, request, ct);
    }

    private async Task<IResult> ApplyAsync(long id, ReleaseCommand command, ReleaseActor actor, HttpRequest request, CancellationToken ct)
    {
        (CommandOutcome<ReleaseState> outcome, ReleaseState state) = await HandleAsync(releases, id, IdempotencyKey(request), command, actor, ct);
        return outcome.Status != CommandStatus.Rejected ? TypedResults.Ok(ReleaseSummary.From(state))
            : outcome.State.Exists ? FieldRefusal(outcome.Reason!, conflict: true)
            : NotFound(id);
    }

    /// <summary>
    /// A command applied to release <paramref name="id"/> (the API's and the dashboard's), and the state it left: a
    /// StageRollout request is answered by the slot within the same dispatch, so then the state is read again.
    /// </summary>
    public static async Task<(CommandOutcome<ReleaseState> Outcome, ReleaseState State)> HandleAsync(
        AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases, long id, string? messageId, ReleaseCommand command, ReleaseActor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(releases);
        ArgumentNullException.ThrowIfNull(actor);
        string key = ReleaseDecider.IdOf(id);
        CommandOutcome<ReleaseState> outcome = await releases.HandleAsync(key, messageId, command, actor.Name, ct);
        return (outcome, outcome.Status != CommandStatus.Rejected && outcome.State.Slot == SlotStatus.Requested
            ? (await releases.GetAsync(key, ct))?.State ?? outcome.State
            : outcome.State);
    }

    /// <summary>
    /// The <c>state</c> query filter, parsed as the minimal API bound it before (Enum.TryParse, case-sensitive; empty
    /// means no filter); a value that does not parse is a 400 problem naming it.
    /// </summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? StateFilter(HttpRequest request, out RolloutProgress? state)
    {
        state = null;
        if (request.Text("state") is not { Length: > 0 } text)
        {
            return null;
        }

        if (Enum.TryParse(text, out RolloutProgress parsed))
        {
            state = parsed;
            return null;
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid query parameter",
            detail: $"state: must be one of {string.Join(", ", Enum.GetNames<RolloutProgress>())}, not '{text}'.",
            type: "https://integration-hub/problems/invalid-query",
            extensions: new Dictionary<string, object?> { ["errors"] = new[] { new IntakeProblems.FieldError("state", "enum") } });
    }
}
