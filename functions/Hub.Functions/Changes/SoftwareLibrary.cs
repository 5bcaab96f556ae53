using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Hub.Domain.Changes;
using Hub.Functions.Releases;
using Hub.Storage.Blobs;

namespace Hub.Functions.Changes;

/// <summary>
/// The definitive software library (DESIGN 5.4, docs/changes.md): area <c>dsl/&lt;service&gt;/</c> of the software
/// repository container, one blob per loadset named by the convention (<c>map-portal-bin-stable-002.014</c>) holding
/// who recorded it, for which change and why, and <c>dsl/&lt;service&gt;/current</c> naming the newest stable bin.
/// Every write is a put or a delete of a fixed name, so a retried <c>change.library</c> effect lands the same.
/// </summary>
public sealed class SoftwareLibrary(ReleaseRepository repository, TimeProvider clock)
{
    public const string Area = "dsl";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Records <paramref name="update"/>: the loadset under its status (the same build under another status is removed), then <c>current</c>.</summary>
    public async Task RecordAsync(LibraryUpdate update, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        string service = update.Service.ToLowerInvariant();
        var entry = new LibraryEntry(update.Loadset.ToString(), update.Service, update.Change, update.Reason, clock.GetUtcNow());
        await repository.Blob(Name(service, update.Loadset)).UploadAsync(BinaryData.FromObjectAsJson(entry, Json), overwrite: true, ct);
        foreach (LoadsetStatus other in Enum.GetValues<LoadsetStatus>().Where(s => s != update.Loadset.Status))
        {
            await repository.Blob(Name(service, update.Loadset.As(other))).DeleteIfExistsAsync(cancellationToken: ct);
        }

        IReadOnlyList<LoadsetName> all = await LoadsetsAsync(service, ct);
        LoadsetName? current = Loadsets.Current(all, update.Loadset.Family, update.Loadset.Component);
        string pointer = $"{Area}/{service}/current";
        if (current is null)
        {
            await repository.Blob(pointer).DeleteIfExistsAsync(cancellationToken: ct);
        }
        else
        {
            await repository.Blob(pointer).UploadAsync(BinaryData.FromString(current.ToString()), overwrite: true, ct);
        }
    }

    /// <summary>What <c>current</c> names for <paramref name="service"/>: its last-known-good build, or null.</summary>
    public async Task<LoadsetName?> CurrentAsync(string service, CancellationToken ct)
    {
        BinaryData? pointer = await repository.Blob($"{Area}/{service.ToLowerInvariant()}/current").DownloadContentOrDefaultAsync(ct);
        return pointer is null ? null : LoadsetName.Parse(pointer.ToString().Trim()).Value;
    }

    /// <summary>Every loadset recorded for <paramref name="service"/>.</summary>
    public async Task<IReadOnlyList<LoadsetName>> LoadsetsAsync(string service, CancellationToken ct)
    {
        var names = new List<LoadsetName>();
        string prefix = $"{Area}/{service.ToLowerInvariant()}/";
        await foreach (BlobItem blob in repository.Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct))
        {
            if (LoadsetName.Parse(blob.Name[prefix.Length..]) is { IsOk: true } parsed)
            {
                names.Add(parsed.Value!);
            }
        }

        return names;
    }

    /// <summary>The entries of <paramref name="service"/>'s library with <c>current</c> marked: what <c>GET /api/changes/library/{service}</c> shows.</summary>
    public async Task<LibraryView> ViewAsync(string service, CancellationToken ct)
    {
        var entries = new List<LibraryEntry>();
        foreach (LoadsetName loadset in (await LoadsetsAsync(service, ct)).OrderBy(l => l.Version).ThenBy(l => l.ToString(), StringComparer.Ordinal))
        {
            BinaryData? body = await repository.Blob(Name(service.ToLowerInvariant(), loadset)).DownloadContentOrDefaultAsync(ct);
            if (body is not null)
            {
                entries.Add(body.ToObjectFromJson<LibraryEntry>(Json)!);
            }
        }

        return new LibraryView(service, (await CurrentAsync(service, ct))?.ToString(), entries);
    }

    private static string Name(string service, LoadsetName loadset) => $"{Area}/{service}/{loadset}";
}

/// <summary>One loadset in the library: its name, the change that recorded it, why, and when.</summary>
public sealed record LibraryEntry(string Loadset, string Service, long Change, string Reason, DateTimeOffset RecordedAt);

/// <summary>A service's library: <paramref name="Current"/> is its last-known-good build (the newest stable bin).</summary>
public sealed record LibraryView(string Service, string? Current, IReadOnlyList<LibraryEntry> Loadsets);
