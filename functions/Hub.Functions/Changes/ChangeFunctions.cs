using System.Security.Cryptography;
using System.Text;
using Hub.Domain.Catalog;
using Hub.Domain.Changes;
using Hub.Domain.Configuration;
using Hub.Functions.Catalog;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Hub.Functions.Idempotency;
using Hub.Functions.Intake;
using Hub.Functions.Security;
using Hub.Storage.Durable;
using Hub.Storage.Tickets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Changes;

/// <summary>
/// Change requests (docs/changes.md): open one for a catalogued service (its ProductionDeploy ticket is made with it),
/// the pipeline-planning gate, promotions through the service's tiers (installed through the site agents, or by hand
/// with evidence), rollback to last-known-good, withdrawal and cancellation, the change calendar and its iCalendar
/// feed, and the definitive software library. Every refusal is a problem naming its rule and field; nothing changes.
/// </summary>
public sealed class ChangeFunctions(
    AggregateProcessor<ChangeState, ChangeCommand, ChangeEvent> changes,
    ChangeDecider decider,
    ServiceCatalogReader catalog,
    SoftwareLibrary library,
    TicketNumbers numbers,
    IdempotentCreates idempotent,
    DurableStorage storage,
    AggregateStore store,
    ApiCallerAuthenticator authenticator,
    IConfiguration settings,
    HubConfiguration config,
    TimeProvider clock)
{
    /// <summary>The setting holding the token that opens the iCalendar feed to calendar apps, which send no API key.</summary>
    public const string FeedTokenSetting = "Hub:CalendarFeedToken";

    /// <summary>The longest span one calendar request covers.</summary>
    public static readonly TimeSpan MaxCalendarSpan = TimeSpan.FromDays(366);

    [Function("Changes_Open")]
    [RequireRole(Role.Developer, Role.Integrator, Role.Operator, Role.Pipeline, Role.AppAdmin)]
    [IdempotentCreate]
    [Tags("Changes")]
    [EndpointSummary("Open a change request for a catalogued service: its ProductionDeploy ticket is made with it")]
    [Consumes(typeof(ChangeRequestBody), "application/json")]
    [ProducesResponseType<ChangeView>(StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> OpenAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/changes")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<ChangeRequestBody> read = await RequestJson.ReadAsync<ChangeRequestBody>(request, ct);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        ChangeRequestBody body = read.Value!;
        var errors = new List<IntakeProblems.FieldError>();
        ChangeKind? kind = ChangeKinds.Parse(body.Kind);
        if (kind is null)
        {
            errors.Add(new("kind", $"required: one of {ChangeKinds.Spellings}{(body.Kind is null ? "" : $" ('{body.Kind}' is none)")}"));
        }

        LoadsetName? build = null;
        if (body.Build is { Length: > 0 } buildName)
        {
            Hub.Domain.Durable.Result<LoadsetName> parsed = LoadsetName.Parse(buildName.Trim());
            if (parsed.IsOk)
            {
                build = parsed.Value;
            }
            else
            {
                errors.Add(new("build", parsed.Reason!));
            }
        }

        if (string.IsNullOrWhiteSpace(body.Service))
        {
            errors.Add(new("service", "required: a service of the catalog"));
        }

        await storage.EnsureAsync(ct);
        ServiceEntry? entry = string.IsNullOrWhiteSpace(body.Service) ? null : await catalog.GetAsync(body.Service.Trim(), ct);
        if (entry is null && !string.IsNullOrWhiteSpace(body.Service))
        {
            errors.Add(new("service", $"'{body.Service}' is not in the catalog (GET /api/catalog/services)"));
        }

        ChangeService? service = null;
        if (entry is not null)
        {
            Hub.Domain.Durable.Result<ChangeService> facts = ChangeFacts.Of(entry.Record, config);
            if (facts.IsOk)
            {
                service = facts.Value;
            }
            else
            {
                errors.Add(new("service", facts.Reason!));
            }
        }

        if (errors.Count > 0)
        {
            return IntakeProblems.Invalid($"The change request breaks {errors.Count} rule{(errors.Count == 1 ? "" : "s")}.", errors);
        }

        ChangeActor actor = ChangeFacts.Actor(request.HttpContext.GetRequiredApiCaller());
        return await idempotent.CreateAsync(request, read.Raw, async inbox =>
        {
            var open = new OpenChange(actor, 0, service!, body.Version?.Trim() is { Length: > 0 } v ? v : null, kind!.Value, body.Summary ?? "", build);
            // The command's own checks first, so a refused request takes no ticket number.
            if (ChangeDecider.Invalid(open with { Number = 1 }) is { } invalid)
            {
                int colon = invalid.IndexOf(':', StringComparison.Ordinal);
                return CreateAnswer.Refused(Refused(new ChangeRefusal(ChangeRule.InvalidField, colon > 0 ? invalid[..colon] : "$", invalid)));
            }

            long number = await numbers.NextAsync(ct);
            CommandOutcome<ChangeState> outcome = await changes.HandleAsync(ChangeDecider.IdOf(number), inbox, open with { Number = number }, actor.Name, ct);
            if (outcome.Status == CommandStatus.Rejected)
            {
                return CreateAnswer.Refused(TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Change refused", detail: outcome.Reason));
            }

            return CreateAnswer.Created($"/api/changes/{number}", ChangeView.Of(outcome.State, clock.GetUtcNow()));
        }, ct);
    }

    [Function("Changes_List")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.Pipeline, Role.AppAdmin)]
    [Tags("Changes")]
    [EndpointSummary("Change requests, newest first; ?service=, ?open=true (not closed), ?state= (a progress, e.g. WaitingForWindow)")]
    [ProducesResponseType<ChangeList>(StatusCodes.Status200OK)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/changes")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? service = request.Query["service"].FirstOrDefault();
        string? progress = request.Query["state"].FirstOrDefault();
        bool openOnly = string.Equals(request.Query["open"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase);
        await storage.EnsureAsync(ct);
        IReadOnlyList<ChangeState> all = await AllAsync(ct);
        return TypedResults.Ok(new ChangeList([.. all
            .Where(c => service is null || string.Equals(c.Service?.Name, service, StringComparison.OrdinalIgnoreCase))
            .Where(c => progress is null || string.Equals(c.Progress.ToString(), progress, StringComparison.OrdinalIgnoreCase))
            .Where(c => !openOnly || !c.IsClosed)
            .OrderByDescending(c => c.Number)
            .Select(ChangeListItem.Of)]));
    }

    [Function("Changes_Get")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.Pipeline, Role.AppAdmin)]
    [Tags("Changes")]
    [EndpointSummary("A change with its history, each tier's progress, the tag and branch, and its time in each state")]
    [ProducesResponseType<ChangeView>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/changes/{number:long}")] HttpRequest request, long number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        return (await changes.GetAsync(ChangeDecider.IdOf(number), ct))?.State is { Exists: true } state
            ? TypedResults.Ok(ChangeView.Of(state, clock.GetUtcNow()))
            : NotFound(number);
    }

    [Function("Changes_Decide")]
    [RequireRole(Role.Pipeline, Role.AppAdmin)]
    [Tags("Changes")]
    [EndpointSummary("The pipeline-planning gate: isda-pipeline approves or declines the change, with a reason")]
    [Consumes(typeof(GateDecisionBody), "application/json")]
    [ProducesResponseType<ChangeView>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public Task<IResult> DecideAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/changes/{number:long}/decisions")] HttpRequest request, long number, CancellationToken ct) =>
        CommandAsync<GateDecisionBody>(request, number, (actor, body, _) => body.Decision?.Trim().ToLowerInvariant() switch
        {
            "approve" or "approved" => Task.FromResult<object>(new DecideGate(actor, true, body.Reason ?? "")),
            "decline" or "declined" => Task.FromResult<object>(new DecideGate(actor, false, body.Reason ?? "")),
            _ => Task.FromResult<object>(ApiAnswers.Invalid("decision", "required: approve or decline")),
        }, StatusCodes.Status200OK, ct);

    [Function("Changes_Promote")]
    [RequireRole(Role.Developer, Role.Integrator, Role.AppAdmin)]
    [Tags("Changes")]
    [EndpointSummary("Promote the change to its next tier: 202, installing now or waiting for the tier's next release window (startsAt)")]
    [Consumes(typeof(PromotionBody), "application/json")]
    [ProducesResponseType<ChangeView>(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public Task<IResult> PromoteAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/changes/{number:long}/promotions")] HttpRequest request, long number, CancellationToken ct) =>
        CommandAsync<PromotionBody>(request, number, (actor, body, _) => Task.FromResult<object>(
            string.IsNullOrWhiteSpace(body.Tier) ? ApiAnswers.Invalid("tier", "required: the next of the service's tiers") : new RequestPromotion(actor, body.Tier.Trim())),
            StatusCodes.Status202Accepted, ct);

    [Function("Changes_Installation")]
    [RequireRole(Role.Developer, Role.Integrator, Role.AppAdmin)]
    [Tags("Changes")]
    [EndpointSummary("Record a manual installation's outcome on the tier, with its evidence (a service without an agent)")]
    [Consumes(typeof(InstallationBody), "application/json")]
    [ProducesResponseType<ChangeView>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public Task<IResult> InstallationAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/changes/{number:long}/installations")] HttpRequest request, long number, CancellationToken ct) =>
        CommandAsync<InstallationBody>(request, number, (actor, body, _) => Task.FromResult<object>(
            string.IsNullOrWhiteSpace(body.Tier) ? ApiAnswers.Invalid("tier", "required: the tier installed on")
            : body.Succeeded is not { } succeeded ? ApiAnswers.Invalid("succeeded", "required: true or false")
            : new RecordInstallation(actor, body.Tier.Trim(), succeeded, body.Evidence, body.Detail)),
            StatusCodes.Status200OK, ct);

    [Function("Changes_Rollback")]
    [RequireRole(Role.Developer, Role.Integrator, Role.AppAdmin)]
    [Tags("Changes")]
    [EndpointSummary("Roll the change's tier back to last-known-good: the newest stable build in the library other than the change's own")]
    [Consumes(typeof(ReasonBody), "application/json")]
    [ProducesResponseType<ChangeView>(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status403Forbidden)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public Task<IResult> RollbackAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/changes/{number:long}/rollback")] HttpRequest request, long number, CancellationToken ct) =>
        CommandAsync<ReasonBody>(request, number, async (actor, body, state) =>
            new RequestRollback(actor, body.Reason ?? "", await LastKnownGoodAsync(state, ct)), StatusCodes.Status202Accepted, ct);

    [Function("Changes_Withdraw")]
    [RequireRole(Role.Integrator, Role.AppAdmin)]
    [Tags("Changes")]
    [EndpointSummary("Withdraw the change's vetted build (a defect found after STAGE): the library marks it stale")]
    [Consumes(typeof(ReasonBody), "application/json")]
    [ProducesResponseType<ChangeView>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public Task<IResult> WithdrawAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/changes/{number:long}/withdraw")] HttpRequest request, long number, CancellationToken ct) =>
        CommandAsync<ReasonBody>(request, number, (actor, body, _) => Task.FromResult<object>(new WithdrawBuild(actor, body.Reason ?? "")), StatusCodes.Status200OK, ct);

    [Function("Changes_Cancel")]
    [RequireRole(Role.Developer, Role.Integrator, Role.Pipeline, Role.AppAdmin)]
    [Tags("Changes")]
    [EndpointSummary("Cancel the change (a waiting promotion is abandoned)")]
    [Consumes(typeof(ReasonBody), "application/json")]
    [ProducesResponseType<ChangeView>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public Task<IResult> CancelAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/changes/{number:long}/cancel")] HttpRequest request, long number, CancellationToken ct) =>
        CommandAsync<ReasonBody>(request, number, (actor, body, _) => Task.FromResult<object>(new CancelChange(actor, body.Reason ?? "")), StatusCodes.Status200OK, ct);

    [Function("Changes_Calendar")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.Pipeline, Role.AppAdmin)]
    [Tags("Changes")]
    [EndpointSummary("Release windows and scheduled changes in [from, to) (default: the next 14 days); ?service= for one service")]
    [ProducesResponseType<CalendarView>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> CalendarAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/changes/calendar")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        DateTimeOffset now = clock.GetUtcNow();
        var errors = new List<IntakeProblems.FieldError>();
        DateTimeOffset from = Instant(request, "from", now, errors);
        DateTimeOffset to = Instant(request, "to", from.AddDays(14), errors);
        if (errors.Count == 0 && (to <= from || to - from > MaxCalendarSpan))
        {
            errors.Add(new("to", $"must be after from, and at most {MaxCalendarSpan.TotalDays} days after it"));
        }

        if (errors.Count > 0)
        {
            return IntakeProblems.Invalid("The calendar query breaks a rule.", errors);
        }

        await storage.EnsureAsync(ct);
        return TypedResults.Ok(new CalendarView(from, to, await EventsAsync(request.Query["service"].FirstOrDefault(), from, to, ct)));
    }

    [Function("Changes_CalendarFeed")]
    [AllowAnonymous]
    [Tags("Changes")]
    [EndpointSummary("The change calendar as iCalendar (RFC 5545), from a week ago to 90 days ahead: an API key, or ?token= (Hub__CalendarFeedToken)")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status401Unauthorized)]
    public async Task<IResult> FeedAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/changes/calendar.ics")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (authenticator.Authenticate(request.HttpContext) is null && !FeedTokenMatches(request.Query["token"].FirstOrDefault()))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: $"The feed takes an API key ({ApiCallerAuthenticator.KeyHeader}) or ?token= with the value of Hub__CalendarFeedToken.");
        }

        DateTimeOffset now = clock.GetUtcNow();
        await storage.EnsureAsync(ct);
        IReadOnlyList<CalendarEvent> events = await EventsAsync(request.Query["service"].FirstOrDefault(), now.AddDays(-7), now.AddDays(90), ct);
        return TypedResults.Text(ICalendar.Render("Integration Hub changes", events, now), ICalendar.MediaType, Encoding.UTF8);
    }

    [Function("Changes_Library")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.Pipeline, Role.AppAdmin)]
    [Tags("Changes")]
    [EndpointSummary("A service's definitive software library: its loadsets and current (last-known-good)")]
    [ProducesResponseType<LibraryView>(StatusCodes.Status200OK)]
    public async Task<IResult> LibraryAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/changes/library/{service}")] HttpRequest request, string service, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        return TypedResults.Ok(await library.ViewAsync(service, ct));
    }

    [Function("Changes_LibraryBaseline")]
    [RequireRole(Role.Integrator, Role.AppAdmin)]
    [Tags("Changes")]
    [EndpointSummary("Record a stable bin already in service as a baseline of the library (adopting the hub for a running service)")]
    [Consumes(typeof(LibraryBaselineBody), "application/json")]
    [ProducesResponseType<LibraryView>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> BaselineAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/changes/library/{service}")] HttpRequest request, string service, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<LibraryBaselineBody> read = await RequestJson.ReadAsync<LibraryBaselineBody>(request, ct);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        Hub.Domain.Durable.Result<LoadsetName> loadset = LoadsetName.Parse(read.Value!.Loadset?.Trim() ?? "");
        if (!loadset.IsOk || !loadset.Value!.IsStableBin)
        {
            return ApiAnswers.Invalid("loadset", loadset.Reason ?? $"{loadset.Value} is not a stable bin; a baseline is a build already vetted");
        }

        await storage.EnsureAsync(ct);
        if (await catalog.GetAsync(service, ct) is not { } entry)
        {
            return ApiAnswers.Invalid("service", $"'{service}' is not in the catalog");
        }

        string by = request.HttpContext.GetRequiredApiCaller().Name;
        await library.RecordAsync(new LibraryUpdate(entry.Record.Name, loadset.Value, 0, $"baseline recorded by {by}: {read.Value.Reason ?? "in service"}"), ct);
        return TypedResults.Ok(await library.ViewAsync(entry.Record.Name, ct));
    }

    /// <summary>
    /// Reads the change, builds the command from the body (or answers the body's problem), and sends it; a refusal is
    /// answered from the decider's typed verdict on the state it was refused on, so it names the rule and the field.
    /// </summary>
    private async Task<IResult> CommandAsync<TBody>(HttpRequest request, long number, Func<ChangeActor, TBody, ChangeState, Task<object>> make, int status, CancellationToken ct)
        where TBody : class
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<TBody> read = await RequestJson.ReadAsync<TBody>(request, ct);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        await storage.EnsureAsync(ct);
        string id = ChangeDecider.IdOf(number);
        if ((await changes.GetAsync(id, ct))?.State is not { Exists: true } state)
        {
            return NotFound(number);
        }

        ApiCaller caller = request.HttpContext.GetRequiredApiCaller();
        ChangeActor actor = ChangeFacts.Actor(caller);
        object made = await make(actor, read.Value!, state);
        if (made is not ChangeCommand command)
        {
            return (IResult)made;
        }

        string? inbox = ApiAnswers.IdempotencyKey(request) is { } key ? ApiAnswers.InboxId(caller.Name, key) : null;
        CommandOutcome<ChangeState> outcome = await changes.HandleAsync(id, inbox, command, actor.Name, ct);
        DateTimeOffset now = clock.GetUtcNow();
        if (outcome.Status == CommandStatus.Rejected)
        {
            return decider.Evaluate(outcome.State, command, now).Refusal is { } refusal
                ? Refused(refusal)
                : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Change refused", detail: outcome.Reason);
        }

        ChangeView view = ChangeView.Of(outcome.State, now);
        return status == StatusCodes.Status202Accepted ? TypedResults.Accepted($"/api/changes/{number}", view) : TypedResults.Ok(view);
    }

    /// <summary>
    /// Last-known-good for a rollback of <paramref name="state"/>: the newest stable bin of its build's family and
    /// component other than the change's own build (what ran before it), else whatever <c>current</c> names.
    /// </summary>
    private async Task<LoadsetName?> LastKnownGoodAsync(ChangeState state, CancellationToken ct)
    {
        string service = state.Service!.Name;
        return state.Build is { } own
            ? Loadsets.Current((await library.LoadsetsAsync(service, ct)).Where(l => l.As(own.Status) != own), own.Family, own.Component)
            : await library.CurrentAsync(service, ct);
    }

    private async Task<IReadOnlyList<ChangeState>> AllAsync(CancellationToken ct)
    {
        var all = new List<ChangeState>();
        await foreach (ChangeState state in StateRows.AllAsync<ChangeState>(store, ChangeDecider.AggregateKind, ct))
        {
            if (state.Exists)
            {
                all.Add(state);
            }
        }

        return all;
    }

    /// <summary>Every catalogued service's windows (or one's) and the changes waiting for them, by start.</summary>
    private async Task<IReadOnlyList<CalendarEvent>> EventsAsync(string? service, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        IReadOnlyList<ChangeState> all = await AllAsync(ct);
        var events = new List<CalendarEvent>();
        foreach (ServiceEntry entry in await catalog.AllAsync(ct))
        {
            ServiceRecord record = entry.Record;
            if ((service is not null && !string.Equals(record.Name, service, StringComparison.OrdinalIgnoreCase))
                || ServiceReleaseWindows.Of(record) is not { IsOk: true } windows)
            {
                continue;
            }

            IEnumerable<ChangeState> ofService = all.Where(c => string.Equals(c.Service?.Name, record.Name, StringComparison.OrdinalIgnoreCase));
            events.AddRange(ChangeCalendar.Events(record.Name, windows.Value!, ofService, from, to));
        }

        return [.. events.OrderBy(e => e.Start)];
    }

    private bool FeedTokenMatches(string? token) =>
        settings[FeedTokenSetting] is { Length: > 0 } expected && token is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(token));

    private static DateTimeOffset Instant(HttpRequest request, string name, DateTimeOffset fallback, List<IntakeProblems.FieldError> errors)
    {
        string? text = request.Query[name].FirstOrDefault();
        if (text is null)
        {
            return fallback;
        }

        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
        {
            return at;
        }

        errors.Add(new(name, $"'{text}' is not an ISO 8601 date or instant"));
        return fallback;
    }

    /// <summary>A refusal as RFC 9457: 403 for the access rules, 404 for no change, 422 for a bad field, else 409 (the change's state does not allow it).</summary>
    private static ProblemHttpResult Refused(ChangeRefusal refusal)
    {
        int status = refusal.Rule switch
        {
            ChangeRule.SystemAccess or ChangeRule.PipelineOnly or ChangeRule.AgentReports => StatusCodes.Status403Forbidden,
            ChangeRule.NotFound => StatusCodes.Status404NotFound,
            ChangeRule.InvalidField or ChangeRule.UnknownTier or ChangeRule.EvidenceRequired or ChangeRule.UnknownCommand => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status409Conflict,
        };
        return TypedResults.Problem(
            statusCode: status,
            title: "Change refused",
            detail: refusal.Message,
            type: $"https://integration-hub/problems/change/{refusal.Rule}",
            extensions: new Dictionary<string, object?>
            {
                ["rule"] = refusal.Rule.ToString(),
                ["errors"] = new[] { new IntakeProblems.FieldError(refusal.Field, refusal.Message) },
            });
    }

    private static ProblemHttpResult NotFound(long number) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such change", detail: $"There is no change #{number}.");
}
