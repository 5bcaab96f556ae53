using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Hub.Domain.Catalog;
using Hub.Domain.Configuration;
using Hub.Domain.Sites;
using Hub.Domain.Tickets;
using Hub.Functions.Catalog;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Functions.Http;
using Hub.Functions.Idempotency;
using Hub.Functions.Intake;
using Hub.Functions.Security;
using Hub.Functions.Tickets;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Hub.Functions.Sites;

/// <summary>
/// Sites (docs/sites.md): <c>GET /api/sites</c>, <c>GET</c> and <c>PUT /api/sites/{site}</c> (versioned like service
/// records), <c>POST /api/sites/{site}/commands</c> (a run: 202 with its id; 409 while another runs), the runs and
/// their steps, cancel, and the agents' signed callbacks. A command is planned against the catalog as it is now and
/// refused whole (422 naming every problem) before anything starts.
/// </summary>
public sealed class SiteFunctions(
    AggregateProcessor<SiteEntryState, SiteEntryCommand, SiteEntryEvent> sites,
    AggregateProcessor<SiteRunState, SiteRunCommand, SiteRunEvent> runs,
    ServiceCatalogReader catalog,
    SiteAgents agents,
    SiteAgentClient agentClient,
    IdempotentCreates idempotent,
    DurableStorage storage,
    AggregateStore store,
    HubConfiguration config,
    HubHostInfo host,
    TimeProvider clock)
{
    [Function("Sites_List")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Sites")]
    [EndpointSummary("Every site: its services, version, and its latest run")]
    [ProducesResponseType<SiteList>(StatusCodes.Status200OK)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/sites")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        var items = new List<SiteListItem>();
        foreach (SiteEntry entry in await EntriesAsync(config, store, ct))
        {
            SiteRun? last = (await runs.GetAsync(SiteRunDecider.Id(entry.Site.Name), ct))?.State.Runs is { Count: > 0 } all ? all[^1] : null;
            items.Add(new SiteListItem(entry.Site.Name, [.. entry.Site.Services.Select(m => m.Service)], entry.Version, entry.Source, last is null ? null : RunSummary.Of(entry.Site.Name, last)));
        }

        return TypedResults.Ok(new SiteList(items));
    }

    [Function("Sites_Get")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Sites")]
    [EndpointSummary("A site with its version (the ETag), its services in start order, and the run in progress")]
    [ProducesResponseType<SiteView>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/sites/{site}")] HttpRequest request, string site, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        if (await EntryAsync(site, ct) is not { } entry)
        {
            return NotFound(site);
        }

        SiteRunState state = (await runs.GetAsync(SiteRunDecider.Id(site), ct))?.State ?? SiteRunState.None;
        request.HttpContext.Response.Headers.ETag = ApiAnswers.ETag(entry.Version);
        return TypedResults.Ok(new SiteView(
            entry.Site, entry.Version, entry.Source, entry.ChangedBy, entry.ChangedAt,
            state.Active is { } active ? RunSummary.Of(entry.Site.Name, active) : null,
            [.. state.Runs.Reverse().Take(5).Select(r => RunSummary.Of(entry.Site.Name, r))]));
    }

    [Function("Sites_Put")]
    [RequireRole(Role.Operator, Role.AppAdmin)]
    [Tags("Sites")]
    [EndpointSummary("Store a site as its next version; If-Match with the ETag is required over an existing site")]
    [Consumes(typeof(Site), "application/json")]
    [ProducesResponseType<SiteEntry>(StatusCodes.Status200OK)]
    [ProducesResponseType<SiteEntry>(StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status412PreconditionFailed)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [ProducesResponseType(StatusCodes.Status428PreconditionRequired)]
    public async Task<IResult> PutAsync([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/sites/{site}")] HttpRequest request, string site, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<Site> read = await RequestJson.ReadAsync<Site>(request, ct);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        Site definition = string.IsNullOrEmpty(read.Value!.Name) ? read.Value with { Name = site } : read.Value;
        if (!string.Equals(definition.Name, site, StringComparison.OrdinalIgnoreCase))
        {
            return ApiAnswers.Invalid("name", $"must be the site of the path, '{site}'");
        }

        await storage.EnsureAsync(ct);
        if (SiteValidator.Validate(definition, await CatalogAsync(ct)) is { Count: > 0 } problems)
        {
            return Invalid("The site", problems);
        }

        SiteEntry? current = await EntryAsync(site, ct);
        (IResult? precondition, int? expected) = ApiAnswers.IfMatch(request, $"Site '{site}'", current?.Version, current?.ChangedBy);
        if (precondition is not null)
        {
            return precondition;
        }

        if (current is not null && RecordChanges.Of(current.Site, definition).Count == 0)
        {
            request.HttpContext.Response.Headers.ETag = ApiAnswers.ETag(current.Version);
            return TypedResults.Ok(current);
        }

        Actor actor = TicketAnswers.ActorFor(request.HttpContext.GetRequiredApiCaller(), Role.Operator);
        CommandOutcome<SiteEntryState> outcome = await sites.HandleAsync(SiteEntryDecider.Id(site), null, new RecordSite(actor, definition, expected, config.Site(site)), actor.Name, ct);
        if (outcome.Status == CommandStatus.Rejected)
        {
            return outcome.Reason?.StartsWith(SiteEntryDecider.Stale, StringComparison.Ordinal) == true && await EntryAsync(site, ct) is { } now
                ? ApiAnswers.Stale($"Site '{site}'", now.Version, now.ChangedBy)
                : TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Site refused", detail: outcome.Reason);
        }

        SiteEntry stored = SiteEntry.From(outcome.State);
        request.HttpContext.Response.Headers.ETag = ApiAnswers.ETag(stored.Version);
        return current is null ? TypedResults.Created($"/api/sites/{Uri.EscapeDataString(stored.Site.Name)}", stored) : TypedResults.Ok(stored);
    }

    [Function("Sites_Command")]
    [RequireRole(Role.Operator, Role.AppAdmin)]
    [IdempotentCreate]
    [Tags("Sites")]
    [EndpointSummary("Run Start, Stop, Status or Update across a site: 202 with the run; 409 while another run of the site is in progress")]
    [Consumes(typeof(SiteCommandRequest), "application/json")]
    [ProducesResponseType<RunAccepted>(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> CommandAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/sites/{site}/commands")] HttpRequest request, string site, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonBody<SiteCommandRequest> read = await RequestJson.ReadAsync<SiteCommandRequest>(request, ct);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        SiteCommandRequest body = read.Value!;
        var errors = new List<IntakeProblems.FieldError>();
        if (body.Command is null)
        {
            errors.Add(new("command", $"required: one of {string.Join(", ", Enum.GetNames<SiteCommand>())}"));
        }

        if (body.Strategy is not null && body.Command != SiteCommand.Update)
        {
            errors.Add(new("strategy", "only Update takes a strategy"));
        }

        if (errors.Count > 0)
        {
            return IntakeProblems.Invalid($"The command breaks {errors.Count} rule{(errors.Count == 1 ? "" : "s")}.", errors);
        }

        await storage.EnsureAsync(ct);
        if (await EntryAsync(site, ct) is not { } entry)
        {
            return NotFound(site);
        }

        Actor actor = TicketAnswers.ActorFor(request.HttpContext.GetRequiredApiCaller(), Role.Operator);
        return await idempotent.CreateAsync(request, read.Raw, async inbox =>
        {
            string runId = RunId();
            Validated<SitePlan> plan = SitePlanner.Plan(
                entry.Site, await CatalogAsync(ct), body.Command!.Value, new PlanOptions(runId, body.KeepGoing ?? false, body.Strategy ?? UpdateStrategy.StopAll, body.Tier));
            if (!plan.IsValid)
            {
                return CreateAnswer.Refused(Invalid($"The {body.Command} of site '{entry.Site.Name}'", plan.Problems));
            }

            if (Unsigned(plan.Value!) is { Count: > 0 } unsigned)
            {
                return CreateAnswer.Refused(Invalid($"The {body.Command} of site '{entry.Site.Name}'", unsigned));
            }

            CommandOutcome<SiteRunState> outcome = await runs.HandleAsync(
                SiteRunDecider.Id(entry.Site.Name), inbox, new StartRun(actor.Name, plan.Value!, host.InstanceId, await RecipientsAsync(entry.Site, ct)), actor.Name, ct);
            if (outcome.Status == CommandStatus.Rejected)
            {
                return CreateAnswer.Refused(outcome.State.Active is { } active
                    ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Site is running",
                        detail: outcome.Reason, extensions: new Dictionary<string, object?> { ["runningRun"] = active.RunId, ["href"] = RunHref(entry.Site.Name, active.RunId) })
                    : TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Command refused", detail: outcome.Reason));
            }

            // A replayed key finds its run by the inbox: the newest run this request started.
            SiteRun run = outcome.State.Runs[^1];
            string href = RunHref(entry.Site.Name, run.RunId);
            return new CreateAnswer(StatusCodes.Status202Accepted, href, new RunAccepted(run.RunId, href, run.Steps.Count));
        }, ct);
    }

    [Function("Sites_Runs")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Sites")]
    [EndpointSummary("A site's recent runs, newest first")]
    [ProducesResponseType<RunList>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> RunsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/sites/{site}/runs")] HttpRequest request, string site, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        if (await EntryAsync(site, ct) is not { } entry)
        {
            return NotFound(site);
        }

        SiteRunState state = (await runs.GetAsync(SiteRunDecider.Id(site), ct))?.State ?? SiteRunState.None;
        return TypedResults.Ok(new RunList([.. state.Runs.Reverse().Select(r => RunSummary.Of(entry.Site.Name, r))]));
    }

    [Function("Sites_Run")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Sites")]
    [EndpointSummary("A run's steps in order: service, node, command, start, end, outcome and output tail")]
    [ProducesResponseType<RunView>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/sites/{site}/runs/{runId}")] HttpRequest request, string site, string runId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        return await RunOfAsync(site, runId, ct) is { } run ? TypedResults.Ok(RunView.Of(site, run)) : RunNotFound(site, runId);
    }

    [Function("Sites_Cancel")]
    [RequireRole(Role.Operator, Role.AppAdmin)]
    [Tags("Sites")]
    [EndpointSummary("Cancel a run between steps: the step in progress finishes, the rest are skipped")]
    [ProducesResponseType<RunView>(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    public async Task<IResult> CancelAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/sites/{site}/runs/{runId}/cancel")] HttpRequest request, string site, string runId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        if (await RunOfAsync(site, runId, ct) is null)
        {
            return RunNotFound(site, runId);
        }

        Actor actor = TicketAnswers.ActorFor(request.HttpContext.GetRequiredApiCaller(), Role.Operator);
        CommandOutcome<SiteRunState> outcome = await runs.HandleAsync(SiteRunDecider.Id(site), null, new CancelRun(actor.Name, runId), actor.Name, ct);
        if (outcome.Status == CommandStatus.Rejected)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Run not cancelled", detail: outcome.Reason);
        }

        SiteRun run = outcome.State.Run(runId)!;
        return TypedResults.Accepted(RunHref(site, runId), RunView.Of(site, run));
    }

    [Function("Sites_AgentCallback")]
    [AllowAnonymous]
    [Tags("Sites")]
    [EndpointSummary("An agent's signed result of a step it answered 202 to (Standard Webhooks, the agent's secret)")]
    [Consumes(typeof(AgentStepResult), "application/json")]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> CallbackAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/hooks/agents/{site}/runs/{runId}")] HttpRequest request,
        string site,
        string runId,
        [DurableClient] DurableTaskClient client,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        BodyReadResult body = await RequestBody.ReadAsync(request, BodyLimits.Hook, ct);
        if (body.IsTooLarge)
        {
            return body.ToProblem();
        }

        await storage.EnsureAsync(ct);
        if (await RunOfAsync(site, runId, ct) is not { } run)
        {
            return RunNotFound(site, runId);
        }

        // The step is read from the body only to find whose secret signs it; nothing is believed before the check.
        string? stepId = Peek(body.Body.Span);
        if (stepId is null || run.Step(stepId) is not { } step || agents.For(step.Plan.AgentUrl) is not { } agent)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such step", detail: $"Run {runId} of site '{site}' has no step '{stepId}'.");
        }

        if (agentClient.Refusal(agent, request.Headers, body.Body.Span) is { } refusal)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unsigned result", detail: $"The result of step {stepId} is not signed by agent {agent.Name}: {refusal}.");
        }

        if (SiteAgentClient.Parse(body.Body.Span, stepId) is not { } result)
        {
            return ApiAnswers.Invalid("$", "must be a step result (stepId, outcome, startedAt, endedAt)");
        }

        await client.RaiseEventAsync(new SiteRunStart(site, runId).InstanceId, SiteRunFunctions.ResultEvent(stepId), result, ct);
        return TypedResults.Accepted(RunHref(site, runId));
    }

    private async Task<SiteRun?> RunOfAsync(string site, string runId, CancellationToken ct) =>
        (await runs.GetAsync(SiteRunDecider.Id(site), ct))?.State.Run(runId);

    private Task<SiteEntry?> EntryAsync(string site, CancellationToken ct) => EntryAsync(sites, config, site, ct);

    /// <summary>Every site by name: the YAML's, each superseded by its stored version, and those only stored (the API's list and the dashboard's).</summary>
    public static async Task<IReadOnlyList<SiteEntry>> EntriesAsync(HubConfiguration config, AggregateStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        var entries = new Dictionary<string, SiteEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (Site seed in config.Sites)
        {
            entries[seed.Name] = SiteEntry.FromConfig(seed);
        }

        await foreach (SiteEntryState state in StateRows.AllAsync<SiteEntryState>(store, SiteEntryDecider.AggregateKind, ct))
        {
            if (state.Site is { } site)
            {
                entries[site.Name] = SiteEntry.From(state);
            }
        }

        return [.. entries.Values.OrderBy(e => e.Site.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>One site: its stored version, else the YAML's, else null.</summary>
    public static async Task<SiteEntry?> EntryAsync(
        AggregateProcessor<SiteEntryState, SiteEntryCommand, SiteEntryEvent> sites, HubConfiguration config, string site, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentNullException.ThrowIfNull(config);
        return (await sites.GetAsync(SiteEntryDecider.Id(site), ct))?.State is { Site: not null } state ? SiteEntry.From(state)
        : config.Site(site) is { } seed ? SiteEntry.FromConfig(seed)
        : null;
    }

    private async Task<ServiceCatalog> CatalogAsync(CancellationToken ct) => new([.. (await catalog.AllAsync(ct)).Select(e => e.Record)]);

    /// <summary>The steps whose agent has no secret here: a run could not sign them, so it does not start.</summary>
    private List<CatalogProblem> Unsigned(SitePlan plan) =>
        [.. plan.Steps.Where(s => agents.For(s.AgentUrl) is null).DistinctBy(s => s.AgentUrl, StringComparer.OrdinalIgnoreCase)
            .Select(s => new CatalogProblem($"services[{s.Service}].agentUrl", CatalogRule.Required,
                $"No Hub__Agents__<name>__Url covers {s.AgentUrl} (node {s.Node} of {s.Service}), so the hub has no secret to sign its steps with."))];

    /// <summary>The site's Recipient Lists as addresses (a contact list by its address), else its services'.</summary>
    private async Task<IReadOnlyList<string>> RecipientsAsync(Site site, CancellationToken ct)
    {
        IEnumerable<string> lists = site.RecipientLists;
        if (!lists.Any())
        {
            var members = new List<string>();
            foreach (SiteMember member in site.Services)
            {
                members.AddRange((await catalog.GetRecentAsync(member.Service, ct))?.Record.RecipientLists ?? []);
            }

            lists = members;
        }

        return [.. lists.Select(l => config.Contacts(l)?.Address ?? (l.Contains('@', StringComparison.Ordinal) ? l : null)).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private string RunId() =>
        string.Create(CultureInfo.InvariantCulture, $"{clock.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}");

    private static string? Peek(ReadOnlySpan<byte> json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json.ToArray());
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("stepId", out JsonElement id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Invalid(string what, IReadOnlyList<CatalogProblem> problems) => IntakeProblems.Invalid(
        $"{what} breaks {problems.Count} rule{(problems.Count == 1 ? "" : "s")}.", problems.Select(p => new IntakeProblems.FieldError(p.Path, p.Message)));

    internal static string RunHref(string site, string runId) => $"/api/sites/{Uri.EscapeDataString(site)}/runs/{Uri.EscapeDataString(runId)}";

    private static ProblemHttpResult NotFound(string site) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such site", detail: $"No site '{site}' is defined.");

    private static ProblemHttpResult RunNotFound(string site, string runId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such run", detail: $"Site '{site}' has no run '{runId}'.");
}
