using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Durable;
using Hub.Functions.Intake;
using Hub.Functions.Security;
using Hub.Functions.Tickets;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;
using Hub.Storage.Tables;
using Hub.Storage.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Functions.Releases;

/// <summary>
/// The release API (docs/releases.md): create, list, read with history and time in state, release.xml upload,
/// package upload, transitions, early-adopter reports. Refusals by the workflow are 409 problems naming both states;
/// invalid input is 422 naming the field and the rule.
/// </summary>
public static class ReleaseEndpoints
{
    private static readonly Role[] Readers = [Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin];
    private static readonly Role[] Writers = [Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin];

    public static RouteGroupBuilder MapReleaseEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder releases = app.MapGroup("/api/releases").WithTags("Releases");
        releases.MapPost("/", CreateAsync).RequireRole(Writers)
            .WithSummary("Submit a release: its ticket opens in sw-rel at Submitted; rsync is refused").Produces<ReleaseSummary>(201).ProducesValidationProblem(422);
        releases.MapGet("/", ListAsync).RequireRole(Readers)
            .WithSummary("List releases, filtered by RolloutProgress state and major release, paged by continuation").Produces<ReleaseList>();
        releases.MapGet("/schema", () => TypedResults.Text(ReleaseXml.SchemaText(), "application/xml")).RequireRole(Readers)
            .WithSummary("The release.xml schema (XSD)");
        releases.MapGet("/{id:long}", GetAsync).RequireRole(Readers)
            .WithSummary("A release with its history, time in each state, and pauses apart").Produces<ReleaseDetail>().ProducesProblem(404);
        releases.MapPut("/{id:long}/metadata", PutMetadataAsync).RequireRole(Writers)
            .WithSummary("Upload release.xml while Submitted; errors with line and column; frozen at Submitted -> Unverified")
            .Accepts<string>("application/xml").Produces<ReleaseSummary>().ProducesProblem(409).ProducesProblem(413).ProducesProblem(422);
        releases.MapPost("/{id:long}/artifacts", UploadArtifactAsync).RequireRole(Writers)
            .WithSummary("Upload one package (?path=), checked against release.xml's size and SHA-256 as it streams in")
            .Accepts<byte[]>("application/octet-stream").ProducesProblem(409).ProducesProblem(413).ProducesProblem(422);
        releases.MapPost("/{id:long}/transitions", TransitionAsync).RequireRole(Writers)
            .WithSummary("Move the release through the DESIGN 5.2 table as provider, QC team, SR team or admin").Produces<ReleaseSummary>().ProducesProblem(409);
        releases.MapPost("/{id:long}/stage-rollout-reports", ReportAsync).RequireRole(Writers)
            .WithSummary("An early-adopter team's staged-rollout report: accept or reject, with its URL").Produces<ReleaseSummary>().ProducesProblem(409);
        releases.MapPost("/{id:long}/consolidated-report", ConsolidatedAsync).RequireRole(Writers)
            .WithSummary("Publish the consolidated StageRollout report URL").Produces<ReleaseSummary>().ProducesProblem(409);
        app.MapGet("/api/metrics/releases", ReleaseMetricsEndpoint.GetAsync).WithTags("Releases").RequireRole(Readers)
            .WithSummary("Monthly release metrics (M.REPO-1..3, M.SA1.3-1..7, time in state) as JSON or CSV").Produces<ReleaseMonthReport>();
        return releases;
    }

    private static async Task<IResult> CreateAsync(
        NewRelease body, HttpContext http, HubConfiguration config, AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases,
        TicketNumbers numbers, DurableStorage storage, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Title))
        {
            return Invalid("title", "is required");
        }

        if (body.Provider is { } provider && !System.Net.Mail.MailAddress.TryCreate(provider, out _))
        {
            return Invalid("provider", "must be a mail address");
        }

        await storage.EnsureAsync(ct);
        ReleaseActor actor = ReleaseActors.For(http.GetRequiredApiCaller(), config.Releases);
        long number = await numbers.NextAsync(ct);
        var open = new OpenRelease(
            actor, number, body.Title, body.Provider, body.Emergency ?? false, body.AssociatedMajorRelease, body.ReleaseType, body.SyncProtocol,
            body.SyncUrl, body.ReleaseXmlUrl, body.Watchers);
        CommandOutcome<ReleaseState> outcome = await releases.HandleAsync(ReleaseDecider.IdOf(number), IdempotencyKey(http), open, actor.Name, ct);
        return outcome.Status == CommandStatus.Rejected
            ? FieldRefusal(outcome.Reason!)
            : TypedResults.Created($"/api/releases/{ReleaseDecider.IdOf(number)}", ReleaseSummary.From(outcome.State));
    }

    private static async Task<IResult> ListAsync(
        AggregateStore store, DurableStorage storage, RolloutProgress? state, string? majorRelease, int? pageSize, string? continuation, CancellationToken ct)
    {
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
            continuation,
            ct);
        return TypedResults.Ok(new ReleaseList(items, token));
    }

    private static async Task<IResult> GetAsync(
        long id, AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases, DurableStorage storage, TimeProvider clock, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        string key = ReleaseDecider.IdOf(id);
        if (await releases.GetAsync(key, ct) is not { State.Exists: true } view)
        {
            return NotFound(id);
        }

        var history = new List<HistoryEntry>();
        string? token = null;
        do
        {
            HistoryPage page = await releases.HistoryAsync(key, token, 500, ct);
            history.AddRange(page.Events.Select(e => new HistoryEntry(
                e.Sequence, e.Type, e.Actor, e.At, e.FromState, e.ToState, System.Text.Json.JsonDocument.Parse(e.Data).RootElement)));
            token = page.ContinuationToken;
        }
        while (token is not null);

        IReadOnlyDictionary<RolloutProgress, TimeSpan> times = view.State.TimeInStateAt(clock.GetUtcNow());
        double paused = times.Where(t => t.Key is RolloutProgress.WaitingForResponse or RolloutProgress.Deferred).Sum(t => t.Value.TotalSeconds);
        double active = times.Where(t => t.Key is not (RolloutProgress.WaitingForResponse or RolloutProgress.Deferred) && !ReleaseTransitions.IsClosed(t.Key)).Sum(t => t.Value.TotalSeconds);
        return TypedResults.Ok(new ReleaseDetail(
            view.State, view.State.Status, times.ToDictionary(t => t.Key, t => Math.Round(t.Value.TotalSeconds, 3)), Math.Round(active, 3), Math.Round(paused, 3), history));
    }

    private static async Task<IResult> PutMetadataAsync(
        long id, HttpContext http, HubConfiguration config, AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases,
        ReleaseRepository repository, DurableStorage storage, CancellationToken ct)
    {
        BodyReadResult body = await RequestBody.ReadAsync(http.Request, ReleaseXml.MaxBytes, ct);
        if (body.IsTooLarge)
        {
            return RequestBody.TooLarge(body.Limit);
        }

        byte[] xml = body.Body.ToArray();
        (ReleaseMetadata? metadata, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(xml);
        if (metadata is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Invalid release.xml",
                detail: $"release.xml: {errors[0]}",
                type: "https://integration-hub/problems/invalid-release-xml",
                extensions: new Dictionary<string, object?>
                {
                    ["errors"] = errors.Select(e => new { field = "release.xml", line = e.Line, column = e.Column, rule = e.Message }).ToList(),
                });
        }

        await storage.EnsureAsync(ct);
        string key = ReleaseDecider.IdOf(id);
        if (await releases.GetAsync(key, ct) is not { State.Exists: true } view)
        {
            return NotFound(id);
        }

        if (view.State.Progress != RolloutProgress.Submitted || view.State.MetadataFrozen)
        {
            return Conflict($"release.xml of release #{id} was frozen when it left Submitted ({view.State.Progress} now); it is never replaced.");
        }

        ReleaseActor actor = ReleaseActors.For(http.GetRequiredApiCaller(), config.Releases);
        if (!actor.IsAnyOf([ReleaseTeam.Provider, ReleaseTeam.Qc, ReleaseTeam.Admin]))
        {
            return Conflict($"Uploading release.xml needs the provider, the QC team or an admin; {actor.Name} is none of them.");
        }

        // Each upload gets its own blob (named by its SHA-256) before the workflow judges it: a refused upload (a race
        // with the move to Unverified) is stored but never referenced, so it can never be the release.xml that freezes.
        string sha = Convert.ToHexStringLower(SHA256.HashData(xml));
        string draft = ReleaseDecider.DraftBlobOf(id, sha);
        await repository.Blob(draft).UploadAsync(
            BinaryData.FromBytes(xml), "application/xml", new Dictionary<string, string> { [ReleaseRepository.Sha256Metadata] = sha }, ct);
        CommandOutcome<ReleaseState> outcome = await releases.HandleAsync(key, null, new UploadMetadata(actor, metadata, draft, sha), actor.Name, ct);
        return outcome.Status == CommandStatus.Rejected ? Conflict(outcome.Reason!) : TypedResults.Ok(ReleaseSummary.From(outcome.State));
    }

    private static async Task<IResult> UploadArtifactAsync(
        long id, string? path, HttpContext http, HubConfiguration config, AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases,
        ReleaseRepository repository, DurableStorage storage, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return Invalid("path", "is required (the package path as release.xml lists it)");
        }

        await storage.EnsureAsync(ct);
        string key = ReleaseDecider.IdOf(id);
        if (await releases.GetAsync(key, ct) is not { State.Exists: true } view)
        {
            return NotFound(id);
        }

        ReleaseState release = view.State;
        if (release.Progress != RolloutProgress.Submitted)
        {
            return Conflict($"Packages are uploaded while the release is Submitted; release #{id} is {release.Progress}.");
        }

        if (release.Metadata is not { } metadata)
        {
            return Conflict($"Upload release.xml (PUT /api/releases/{id}/metadata) before the packages it lists.");
        }

        if (metadata.Packages.FirstOrDefault(p => p.Path == path) is not { } package)
        {
            return Invalid("path", $"'{path}' is not a package path of release.xml");
        }

        long limit = Math.Min(package.Size, config.Releases.Fetch.MaxPackageBytes);
        if (http.Request.ContentLength > limit)
        {
            return RequestBody.TooLarge(limit);
        }

        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
        {
            server.MaxRequestBodySize = null;
        }

        BlobClient blob = repository.Blob(ReleaseAreas.Unverified(metadata) + path);
        using var hashing = new HashingStream(http.Request.Body, limit);
        try
        {
            await blob.UploadAsync(hashing, "application/octet-stream", ct);
        }
        catch (PackageTooLargeException)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: ct);
            return RequestBody.TooLarge(limit);
        }

        string sha = hashing.Sha256();
        if (!string.Equals(sha, package.Sha256, StringComparison.OrdinalIgnoreCase) || hashing.BytesRead != package.Size)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: ct);
            return Invalid("body", $"package '{package.Name}' ({path}): got {hashing.BytesRead.ToString(CultureInfo.InvariantCulture)} bytes with SHA-256 {sha}; release.xml says {package.Size.ToString(CultureInfo.InvariantCulture)} bytes with SHA-256 {package.Sha256}");
        }

        // Marked verified only once the hash matched; the placement trusts this metadata.
        await SetShaAsync(blob, sha, ct);
        ReleaseActor actor = ReleaseActors.For(http.GetRequiredApiCaller(), config.Releases);
        CommandOutcome<ReleaseState> outcome = await releases.HandleAsync(key, null, new RecordArtifact(actor, path, hashing.BytesRead, sha), actor.Name, ct);
        return outcome.Status == CommandStatus.Rejected ? Conflict(outcome.Reason!) : TypedResults.Created(repository.UrlOf(ReleaseAreas.Unverified(metadata) + path), new { path, sha256 = sha, size = hashing.BytesRead });
    }

    private static async Task<IResult> TransitionAsync(
        long id, TransitionRequest body, HttpContext http, HubConfiguration config, AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases,
        DurableStorage storage, CancellationToken ct)
    {
        if (body.To is not { } to)
        {
            return Invalid("to", $"is required: one of {string.Join(", ", Enum.GetNames<RolloutProgress>())}");
        }

        await storage.EnsureAsync(ct);
        ReleaseActor actor = ReleaseActors.For(http.GetRequiredApiCaller(), config.Releases);
        return await ApplyAsync(id, releases, new RequestTransition(actor, to, body.Reason, body.Override ?? false, body.QualityCriteriaReportUrl), actor, http, ct);
    }

    private static async Task<IResult> ReportAsync(
        long id, StageRolloutReportRequest body, HttpContext http, HubConfiguration config, AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases,
        DurableStorage storage, CancellationToken ct)
    {
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
        ReleaseActor actor = ReleaseActors.For(http.GetRequiredApiCaller(), config.Releases);
        return await ApplyAsync(id, releases, new FileStageRolloutReport(actor, body.Team, accepted.Value, body.ReportUrl, body.Comment), actor, http, ct);
    }

    private static async Task<IResult> ConsolidatedAsync(
        long id, ConsolidatedReportRequest body, HttpContext http, HubConfiguration config, AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases,
        DurableStorage storage, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.ReportUrl))
        {
            return Invalid("reportUrl", "is required");
        }

        await storage.EnsureAsync(ct);
        ReleaseActor actor = ReleaseActors.For(http.GetRequiredApiCaller(), config.Releases);
        return await ApplyAsync(id, releases, new PublishConsolidatedReport(actor, body.ReportUrl), actor, http, ct);
    }

    private static async Task<IResult> ApplyAsync(
        long id, AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases, ReleaseCommand command, ReleaseActor actor, HttpContext http, CancellationToken ct)
    {
        string key = ReleaseDecider.IdOf(id);
        CommandOutcome<ReleaseState> outcome = await releases.HandleAsync(key, IdempotencyKey(http), command, actor.Name, ct);
        if (outcome.Status == CommandStatus.Rejected)
        {
            return outcome.State.Exists ? FieldRefusal(outcome.Reason!, conflict: true) : NotFound(id);
        }

        // A StageRollout request is answered by the slot within the same dispatch: read the state it left.
        ReleaseState state = outcome.State.Slot == SlotStatus.Requested ? (await releases.GetAsync(key, ct))?.State ?? outcome.State : outcome.State;
        return TypedResults.Ok(ReleaseSummary.From(state));
    }

    private static async Task SetShaAsync(BlobClient blob, string sha, CancellationToken ct)
    {
        // Re-upload is not needed: the metadata rides on a second Put of the same bytes would cost a full copy, so the
        // server-side copy onto itself is avoided too; Set Blob Metadata is the cheapest way.
        await blob.SetMetadataIfExistsAsync(new Dictionary<string, string> { [ReleaseRepository.Sha256Metadata] = sha }, ct);
    }

    private static string? IdempotencyKey(HttpContext http) =>
        http.Request.Headers["Idempotency-Key"] is { Count: > 0 } key ? "api:" + key.ToString() : null;

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such release", detail: $"Release #{id.ToString(CultureInfo.InvariantCulture)} does not exist.");

    private static ProblemHttpResult Conflict(string reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Refused by the release workflow", detail: reason);

    /// <summary>A refusal whose reason starts with "field: rule" is invalid input (422 naming the field); any other is a workflow conflict.</summary>
    private static IResult FieldRefusal(string reason, bool conflict = false)
    {
        int colon = reason.IndexOf(": ", StringComparison.Ordinal);
        string field = colon > 0 ? reason[..colon] : "";
        return field.Length > 0 && field.All(c => char.IsLetterOrDigit(c) || c == '.')
            ? Invalid(field, reason[(colon + 2)..])
            : conflict ? Conflict(reason) : TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Refused", detail: reason);
    }

    private static IResult Invalid(string field, string rule) =>
        IntakeProblems.Invalid($"{field}: {rule}", [new IntakeProblems.FieldError(field, rule)]);
}
