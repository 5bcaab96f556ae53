using System.Globalization;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Hub.Functions.Security;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using static Hub.Functions.Releases.ReleaseAnswers;
using static Hub.Functions.Http.ApiAnswers;

namespace Hub.Functions.Releases;

/// <summary>
/// The release API's uploads (docs/releases.md): release.xml while Submitted, and each package it lists, checked
/// against its size and SHA-256 as it streams in. Both read the request body themselves (XML, binary), not as JSON.
/// </summary>
public sealed class ReleaseUploadFunctions(
    HubConfiguration config,
    AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent> releases,
    ReleaseRepository repository,
    DurableStorage storage)
{
    [Function("Releases_PutMetadata")]
    [RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Releases")]
    [EndpointSummary("Upload release.xml while Submitted; errors with line and column; frozen at Submitted -> Unverified")]
    [Consumes(typeof(string), "application/xml")]
    [ProducesResponseType<ReleaseSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> PutMetadataAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/releases/{id:long}/metadata")] HttpRequest request, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        BodyReadResult body = await RequestBody.ReadAsync(request, ReleaseXml.MaxBytes, ct);
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

        ReleaseActor actor = ReleaseActors.For(request.HttpContext.GetRequiredApiCaller(), config.Releases);
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

    [Function("Releases_UploadArtifact")]
    [RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Releases")]
    [EndpointSummary("Upload one package (?path=), checked against release.xml's size and SHA-256 as it streams in")]
    [Consumes(typeof(byte[]), "application/octet-stream")]
    [ProducesResponseType(StatusCodes.Status409Conflict)]
    [ProducesResponseType(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> UploadArtifactAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/releases/{id:long}/artifacts")] HttpRequest request, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? path = request.Text("path");
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
        if (request.ContentLength > limit)
        {
            return RequestBody.TooLarge(limit);
        }

        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
        {
            server.MaxRequestBodySize = null;
        }

        BlobClient blob = repository.Blob(ReleaseAreas.Unverified(metadata) + path);
        using var hashing = new HashingStream(request.Body, limit);
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

        // Marked verified only once the hash matched; the placement trusts this metadata. Set Blob Metadata is the
        // cheapest way: a second Put of the same bytes (or a server-side copy onto itself) would cost a full copy.
        await blob.SetMetadataIfExistsAsync(new Dictionary<string, string> { [ReleaseRepository.Sha256Metadata] = sha }, ct);
        ReleaseActor actor = ReleaseActors.For(request.HttpContext.GetRequiredApiCaller(), config.Releases);
        CommandOutcome<ReleaseState> outcome = await releases.HandleAsync(key, null, new RecordArtifact(actor, path, hashing.BytesRead, sha), actor.Name, ct);
        return outcome.Status == CommandStatus.Rejected ? Conflict(outcome.Reason!) : TypedResults.Created(repository.UrlOf(ReleaseAreas.Unverified(metadata) + path), new { path, sha256 = sha, size = hashing.BytesRead });
    }
}
