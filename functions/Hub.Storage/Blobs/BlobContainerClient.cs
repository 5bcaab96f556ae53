using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Hub.Storage.Account;

namespace Hub.Storage.Blobs;

/// <summary>
/// One blob container over the Blob REST API. https://learn.microsoft.com/rest/api/storageservices/blob-service-rest-api
/// </summary>
public sealed class BlobContainerClient
{
    private readonly StorageAccount _account;
    private readonly HttpPipeline _pipeline;

    public BlobContainerClient(StorageAccount account, string containerName)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentException.ThrowIfNullOrWhiteSpace(containerName);
        _account = account;
        _pipeline = account.Pipeline(StorageService.Blob);
        Name = containerName;
        Uri = BlobRest.Child(account.BlobEndpoint, Uri.EscapeDataString(containerName));
    }

    public string Name { get; }

    public Uri Uri { get; }

    /// <summary>True when the container was created; false when it already existed.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Put, Uri);
        message.Request.Uri.AppendQuery("restype", "container");

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        // 409 also means ContainerBeingDeleted, which is not "it exists": only ContainerAlreadyExists is a result.
        return message.Response.Status switch
        {
            201 => true,
            409 when BlobRest.ErrorCode(message.Response) == "ContainerAlreadyExists" => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    public async Task<bool> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Delete, Uri);
        message.Request.Uri.AppendQuery("restype", "container");

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            202 => true,
            404 => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    public BlobClient GetBlobClient(string blobName) => new(_account, Name, blobName);

    /// <summary>
    /// One page of List Blobs (flat, in name order). Pass the previous page's <see cref="BlobPage.NextMarker"/> as
    /// <paramref name="marker"/> to continue. https://learn.microsoft.com/rest/api/storageservices/list-blobs
    /// </summary>
    public async Task<BlobPage> ListPageAsync(string? prefix = null, string? marker = null, int? maxResults = null, CancellationToken cancellationToken = default)
    {
        if (maxResults is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(maxResults));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 5000, nameof(maxResults));
        }

        using HttpMessage message = BlobRest.CreateMessage(_pipeline, RequestMethod.Get, Uri);
        message.Request.Uri.AppendQuery("restype", "container");
        message.Request.Uri.AppendQuery("comp", "list");
        if (!string.IsNullOrEmpty(prefix))
        {
            message.Request.Uri.AppendQuery("prefix", prefix);
        }

        if (!string.IsNullOrEmpty(marker))
        {
            message.Request.Uri.AppendQuery("marker", marker);
        }

        if (maxResults is { } m)
        {
            message.Request.Uri.AppendQuery("maxresults", m.ToString(CultureInfo.InvariantCulture));
        }

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        if (message.Response.Status != 200)
        {
            throw new RequestFailedException(message.Response);
        }

        XElement root = XDocument.Load(message.Response.Content.ToStream()).Root
            ?? throw new FormatException("List Blobs answered an empty document.");
        var items = (root.Element("Blobs")?.Elements("Blob") ?? [])
            .Select(blob =>
            {
                XElement properties = blob.Element("Properties") ?? throw new FormatException("A listed blob has no Properties.");
                string? contentType = properties.Element("Content-Type")?.Value;
                return new BlobItem(
                    blob.Element("Name")?.Value ?? throw new FormatException("A listed blob has no Name."),
                    long.Parse(properties.Element("Content-Length")?.Value ?? "0", NumberStyles.None, CultureInfo.InvariantCulture),
                    string.IsNullOrEmpty(contentType) ? null : contentType,
                    BlobRest.ParseETag(properties.Element("Etag")?.Value ?? throw new FormatException("A listed blob has no Etag.")),
                    BlobRest.ParseDate(properties.Element("Last-Modified")?.Value ?? throw new FormatException("A listed blob has no Last-Modified.")));
            })
            .ToList();
        string? next = root.Element("NextMarker")?.Value;
        return new BlobPage(items, string.IsNullOrEmpty(next) ? null : next);
    }

    /// <summary>Every blob whose name starts with <paramref name="prefix"/>, page by page.</summary>
    public async IAsyncEnumerable<BlobItem> ListAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? marker = null;
        do
        {
            BlobPage page = await ListPageAsync(prefix, marker, null, cancellationToken).ConfigureAwait(false);
            foreach (BlobItem item in page.Items)
            {
                yield return item;
            }

            marker = page.NextMarker;
        }
        while (marker is not null);
    }
}
