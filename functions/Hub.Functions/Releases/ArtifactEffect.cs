using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;

namespace Hub.Functions.Releases;

/// <summary>
/// Performs <c>release.artifacts</c> side effects: freezes release.xml (a create-once blob, never re-read from the
/// provider once it exists), places every package in the Unverified area (uploaded by the provider, or fetched from
/// the Sync-URL over HTTP(S), streaming, with size and time limits), checks each SHA-256 against release.xml, and moves
/// packages between areas by server-side copy then delete. Every step is resumable: a repeat (the outbox retries a
/// crashed effect) skips what is already done. The outcome goes back to the release as a command, exactly once.
/// </summary>
public sealed class ArtifactEffect(
    Func<AggregateProcessor<ReleaseState, ReleaseCommand, ReleaseEvent>> releases,
    ReleaseRepository repository,
    PackageFetcher fetcher,
    HubConfiguration config,
    ILogger<ArtifactEffect> logger) : ISideEffectHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => ArtifactWork.EffectKind;

    public async Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArtifactWork work = JsonSerializer.Deserialize<ArtifactWork>(context.Payload, Json)
            ?? throw new FormatException($"Outbox row {context.IdempotencyKey} has no artifact work.");
        ReleaseCommand outcome;
        try
        {
            outcome = work.Operation == ArtifactWork.Place
                ? await PlaceAsync(work, cancellationToken)
                : await MoveAsync(work, cancellationToken);
        }
        catch (ArtifactException ex)
        {
            logger.LogWarning("Release #{Release}: repository step for {Target} failed: {Reason}", work.Release, work.Target, ex.Message);
            outcome = new ArtifactsFailed(ReleaseActor.Hub, work.Target, ex.Message);
        }

        string suffix = outcome is ArtifactsFailed ? "/failed" : "/done";
        await releases().HandleAsync(ReleaseDecider.IdOf(work.Release), context.IdempotencyKey + suffix, outcome, ReleaseActor.Hub.Name, cancellationToken);
    }

    private async Task<ReleaseCommand> PlaceAsync(ArtifactWork work, CancellationToken ct)
    {
        (byte[] xml, string xmlSha) = await FreezeAsync(work, ct);
        (ReleaseMetadata? metadata, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(xml);
        if (metadata is null)
        {
            throw new ArtifactException($"release.xml is invalid: {string.Join("; ", errors.Take(5))}");
        }

        string area = ReleaseAreas.Unverified(metadata);
        foreach (ReleasePackage package in metadata.Packages)
        {
            BlobClient blob = repository.Blob(area + package.Path);
            BlobProperties? existing = await blob.GetPropertiesOrDefaultAsync(ct);
            if (existing is not null && Sha(existing) is { } stored && string.Equals(stored, package.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                continue; // uploaded by the provider, or placed by an earlier attempt
            }

            if (work.SyncUrl is null)
            {
                throw new ArtifactException($"package '{package.Name}' ({package.Path}) was not uploaded and the release has no Sync-URL to fetch it from.");
            }

            Uri source = new(new Uri(work.SyncUrl.EndsWith('/') ? work.SyncUrl : work.SyncUrl + "/"), package.Path);
            string sha = await fetcher.FetchToBlobAsync(source, blob, Math.Min(package.Size, config.Releases.Fetch.MaxPackageBytes), package, ct);
            await blob.SetMetadataIfExistsAsync(new Dictionary<string, string> { [ReleaseRepository.Sha256Metadata] = sha }, ct);
        }

        // Target: the state the placement was for (Unverified, or e.g. InVerification after an admin retry).
        return new ArtifactsDone(ReleaseActor.Hub, work.Target, area, repository.UrlOf(area), metadata, xmlSha);
    }

    /// <summary>The frozen release.xml: the existing create-once blob, else the draft (or the URL's content) frozen now, when valid.</summary>
    private async Task<(byte[] Xml, string Sha)> FreezeAsync(ArtifactWork work, CancellationToken ct)
    {
        BlobClient frozen = repository.Blob(work.FrozenBlob);
        if (await frozen.DownloadContentOrDefaultAsync(ct) is { } already)
        {
            return (already.ToArray(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(already.ToArray())));
        }

        byte[] xml;
        if (work.DraftBlob is not null && await repository.Blob(work.DraftBlob).DownloadContentOrDefaultAsync(ct) is { } draft)
        {
            xml = draft.ToArray();
        }
        else if (work.ReleaseXmlUrl is not null)
        {
            xml = await fetcher.FetchBytesAsync(new Uri(work.ReleaseXmlUrl), ReleaseXml.MaxBytes, "release.xml", ct);
        }
        else
        {
            throw new ArtifactException("no release.xml was uploaded and the release has no releaseXmlUrl to fetch it from.");
        }

        // Only valid XML is frozen: an invalid or truncated copy (say, a transient fault at the releaseXmlUrl) fails this
        // attempt, and an admin retry reads it again, instead of freezing the broken copy for good.
        (ReleaseMetadata? valid, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(xml);
        if (valid is null)
        {
            throw new ArtifactException($"release.xml is invalid: {string.Join("; ", errors.Take(5))}");
        }

        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(xml));
        if (await frozen.UploadIfAbsentAsync(BinaryData.FromBytes(xml), "application/xml", ct) is null)
        {
            // Frozen by a concurrent attempt: that copy is the release's, whatever this one read.
            BinaryData winner = (await frozen.DownloadContentOrDefaultAsync(ct))!;
            return (winner.ToArray(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(winner.ToArray())));
        }

        return (xml, sha);
    }

    private async Task<ReleaseCommand> MoveAsync(ArtifactWork work, CancellationToken ct)
    {
        string from = work.FromArea!, to = work.ToArea!;
        // Copy everything first, then delete the sources: a crash in between leaves both copies, never neither.
        foreach (ReleasePackage package in work.Packages)
        {
            BlobClient target = repository.Blob(to + package.Path);
            if (await target.GetPropertiesOrDefaultAsync(ct) is { } done && string.Equals(Sha(done), package.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            BlobClient source = repository.Blob(from + package.Path);
            BlobProperties copied;
            try
            {
                copied = await target.CopyFromAsync(source.Uri, cancellationToken: ct);
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode is "CannotVerifyCopySource" or "BlobNotFound")
            {
                throw new ArtifactException($"package '{package.Name}' ({package.Path}) is in neither {from} nor {to}.");
            }

            if (!string.Equals(Sha(copied), package.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArtifactException($"package '{package.Name}' ({package.Path}) copied to {to} carries SHA-256 {Sha(copied) ?? "(none)"}, not release.xml's {package.Sha256}.");
            }
        }

        foreach (ReleasePackage package in work.Packages)
        {
            await repository.Blob(from + package.Path).DeleteIfExistsAsync(cancellationToken: ct);
        }

        return new ArtifactsDone(ReleaseActor.Hub, work.Target, to, repository.UrlOf(to), null, null);
    }

    private static string? Sha(BlobProperties properties) =>
        properties.Metadata.TryGetValue(ReleaseRepository.Sha256Metadata, out string? sha) ? sha : null;
}

/// <summary>A repository step failed for a reason the release must show (which package, and why).</summary>
public sealed class ArtifactException(string message) : Exception(message);

/// <summary>
/// Fetches release.xml and packages from a provider's Sync-URL over HTTP(S): streaming, at most the declared size
/// (and the configured maximum), within the configured time, with the SHA-256 computed while the bytes go to the blob.
/// Retries until the answer's headers arrive are the release-fetch client's (Outbound/OutboundHttp.cs).
/// </summary>
public sealed class PackageFetcher(IHttpClientFactory clients, HubConfiguration config, TimeProvider clock)
{
    public const string ClientName = "release-fetch";

    public async Task<string> FetchToBlobAsync(Uri source, BlobClient blob, long limit, ReleasePackage package, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(package);
        string what = $"package '{package.Name}' ({package.Path})";
        using var deadline = new CancellationTokenSource(config.Releases.Fetch.Timeout, clock);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        HashingStream? read = null;
        try
        {
            using HttpResponseMessage response = await SendAsync(source, what, timeout.Token);
            if (response.Content.Headers.ContentLength > limit)
            {
                throw new ArtifactException($"{what}: {Shown(source)} offers {response.Content.Headers.ContentLength} bytes; release.xml says {package.Size.ToString(CultureInfo.InvariantCulture)}.");
            }

            await using Stream body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var hashing = new HashingStream(body, limit);
            read = hashing;
            await blob.UploadAsync(hashing, "application/octet-stream", timeout.Token);
            string sha = hashing.Sha256();
            if (!string.Equals(sha, package.Sha256, StringComparison.OrdinalIgnoreCase) || hashing.BytesRead != package.Size)
            {
                await blob.DeleteIfExistsAsync(cancellationToken: ct);
                throw new ArtifactException(
                    $"{what}: fetched {hashing.BytesRead.ToString(CultureInfo.InvariantCulture)} bytes with SHA-256 {sha}; release.xml says {package.Size.ToString(CultureInfo.InvariantCulture)} bytes with SHA-256 {package.Sha256}.");
            }

            return sha;
        }
        catch (PackageTooLargeException ex)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: ct);
            throw new ArtifactException($"{what}: {Shown(source)} sent more than {ex.Limit.ToString(CultureInfo.InvariantCulture)} bytes (the size release.xml declares).");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await blob.DeleteIfExistsAsync(cancellationToken: ct);
            throw new ArtifactException($"{what}: fetching {Shown(source)} took longer than {config.Releases.Fetch.Timeout}.");
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is not ArtifactException
            && (read?.SourceFailure is not null || ex is IOException or HttpRequestException))
        {
            // The provider's connection broke mid-body (the blob upload may have wrapped that in its own exception).
            await blob.DeleteIfExistsAsync(cancellationToken: ct);
            throw new ArtifactException(
                $"{what}: the download from {Shown(source)} broke off after {(read?.BytesRead ?? 0).ToString(CultureInfo.InvariantCulture)} bytes ({(read?.SourceFailure ?? ex).Message}).");
        }
    }

    public async Task<byte[]> FetchBytesAsync(Uri source, int limit, string what, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var deadline = new CancellationTokenSource(config.Releases.Fetch.Timeout, clock);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            using HttpResponseMessage response = await SendAsync(source, what, timeout.Token);
            await using Stream body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var hashing = new HashingStream(body, limit);
            using var copy = new MemoryStream();
            await hashing.CopyToAsync(copy, timeout.Token);
            return copy.ToArray();
        }
        catch (PackageTooLargeException)
        {
            throw new ArtifactException($"{what}: {Shown(source)} sent more than {limit.ToString(CultureInfo.InvariantCulture)} bytes.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ArtifactException($"{what}: fetching {Shown(source)} took longer than {config.Releases.Fetch.Timeout}.");
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is IOException or HttpRequestException)
        {
            throw new ArtifactException($"{what}: the download from {Shown(source)} broke off ({ex.Message}).");
        }
    }

    /// <summary>
    /// A fetched URL as messages (ticket comments, mails, the external ticket, logs) show it: scheme, host, port and path;
    /// the query (which may carry a token) and any user info are left out.
    /// </summary>
    public static string Shown(Uri source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.IsAbsoluteUri ? $"{source.Scheme}://{source.Authority}{source.AbsolutePath}" : "(relative URL)";
    }

    private async Task<HttpResponseMessage> SendAsync(Uri source, string what, CancellationToken ct)
    {
        if (source.Scheme != Uri.UriSchemeHttp && source.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArtifactException($"{what}: {source.Scheme} is not supported; the hub fetches over http or https only.");
        }

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).GetAsync(source, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new ArtifactException($"{what}: fetching {Shown(source)} failed: {ex.Message}");
        }
        catch (Polly.Timeout.TimeoutRejectedException ex)
        {
            // The release-fetch client's pipeline (Outbound/OutboundHttp.cs) gave up waiting for the answer's headers.
            throw new ArtifactException($"{what}: fetching {Shown(source)} took longer than {ex.Timeout}.");
        }

        if (!response.IsSuccessStatusCode)
        {
            int status = (int)response.StatusCode;
            response.Dispose();
            throw new ArtifactException($"{what}: {Shown(source)} answered {status.ToString(CultureInfo.InvariantCulture)}.");
        }

        return response;
    }
}
