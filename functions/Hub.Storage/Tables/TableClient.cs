using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Hub.Storage.Account;

namespace Hub.Storage.Tables;

/// <summary>
/// One table of a storage account, over the Table service REST API (OData v3 JSON). Expected outcomes (a table or
/// entity that already exists or is missing) are results; anything else is a <see cref="RequestFailedException"/>.
/// https://learn.microsoft.com/rest/api/storageservices/table-service-rest-api
/// </summary>
public sealed class TableClient
{
    internal const string MinimalMetadata = "application/json;odata=minimalmetadata";
    private const string NoMetadata = "application/json;odata=nometadata";
    private const int MaxPageSize = 1000;
    private static readonly string[] SystemProperties = ["PartitionKey", "RowKey", "Timestamp"];

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly string _baseUri;

    public TableClient(StorageAccount account, string tableName)
    {
        ArgumentNullException.ThrowIfNull(account);
        ValidateTableName(tableName);
        _pipeline = account.Pipeline(StorageService.Table);
        _endpoint = account.Endpoint(StorageService.Table);
        _baseUri = _endpoint.AbsoluteUri.TrimEnd('/') + "/";
        Name = tableName;
    }

    public string Name { get; }

    /// <summary>Creates the table; false when it already exists.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        // https://learn.microsoft.com/rest/api/storageservices/create-table
        using HttpMessage message = CreateMessage(RequestMethod.Post, "Tables", NoMetadata);
        SetJsonContent(message.Request, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name }));
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            201 or 204 => true,
            409 when ErrorCode(message.Response) == "TableAlreadyExists" => false, // normal on every cold start
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>Deletes the table; false when it does not exist.</summary>
    public async Task<bool> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        // https://learn.microsoft.com/rest/api/storageservices/delete-table
        using HttpMessage message = CreateMessage(RequestMethod.Delete, $"Tables('{Name}')", NoMetadata);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>Inserts the entity; a 409 (it exists) is a <see cref="RequestFailedException"/>.</summary>
    public async Task<ETag> AddAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        await InsertAsync(entity, conflictIsResult: false, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("Unreachable: a conflict throws when it is not a result.");

    /// <summary>Inserts the entity; null when one with the same keys exists.</summary>
    public Task<ETag?> TryAddAsync(TableEntity entity, CancellationToken cancellationToken = default) => InsertAsync(entity, conflictIsResult: true, cancellationToken);

    /// <summary>Inserts or merges/replaces the entity, whatever is stored.</summary>
    public async Task<ETag> UpsertAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        // https://learn.microsoft.com/rest/api/storageservices/insert-or-merge-entity (and insert-or-replace-entity)
        ArgumentNullException.ThrowIfNull(entity);
        using HttpMessage message = CreateEntityWrite(entity, mode, ifMatch: null);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            204 => ResponseETag(message.Response),
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>
    /// Merges/replaces an existing entity if its ETag still matches <paramref name="ifMatch"/> (<see cref="ETag.All"/>:
    /// any version). A stale ETag is a 412 and a missing entity a 404, both <see cref="RequestFailedException"/>.
    /// </summary>
    public async Task<ETag> UpdateAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        // https://learn.microsoft.com/rest/api/storageservices/update-entity2 (and merge-entity)
        ArgumentNullException.ThrowIfNull(entity);
        if (ifMatch == default)
        {
            throw new ArgumentException("ifMatch is empty; pass the entity's ETag, or ETag.All to update any version.", nameof(ifMatch));
        }

        using HttpMessage message = CreateEntityWrite(entity, mode, ifMatch);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            204 => ResponseETag(message.Response),
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>Deletes the entity if its ETag matches (null: any version); false when it does not exist.</summary>
    public async Task<bool> DeleteAsync(string partitionKey, string rowKey, ETag? ifMatch = null, CancellationToken cancellationToken = default)
    {
        // https://learn.microsoft.com/rest/api/storageservices/delete-entity1
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        if (ifMatch is { } etag && etag == default)
        {
            throw new ArgumentException("ifMatch is empty; pass the entity's ETag, or null to delete any version.", nameof(ifMatch));
        }

        using HttpMessage message = CreateMessage(RequestMethod.Delete, TableKeys.EntityPath(Name, partitionKey, rowKey), MinimalMetadata);
        message.Request.Headers.SetValue("If-Match", IfMatchHeader(ifMatch ?? ETag.All));
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>
    /// Reads one entity; null when it does not exist. With <paramref name="select"/>, only those properties come back
    /// (the keys and Timestamp always do).
    /// </summary>
    public async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        // https://learn.microsoft.com/rest/api/storageservices/query-entities (point query)
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        using HttpMessage message = CreateMessage(RequestMethod.Get, TableKeys.EntityPath(Name, partitionKey, rowKey), MinimalMetadata);
        AppendSelect(message.Request.Uri, select);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        switch (message.Response.Status)
        {
            case 200:
                using (JsonDocument json = JsonDocument.Parse(message.Response.Content.ToMemory()))
                {
                    ETag? etag = message.Response.Headers.ETag;
                    return TableJson.Deserialize(json.RootElement, etag, partitionKey, rowKey);
                }

            case 404:
                return null;
            default:
                throw new RequestFailedException(message.Response);
        }
    }

    /// <summary>Every entity matching <paramref name="filter"/>, page after page until the service has no continuation.</summary>
    public async IAsyncEnumerable<TableEntity> QueryAsync(
        string? filter = null,
        IEnumerable<string>? select = null,
        int? maxPerPage = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<string>? selected = select?.ToList();
        string? continuation = null;
        do
        {
            TablePage page = await QueryPageAsync(filter, selected, maxPerPage, continuation, cancellationToken).ConfigureAwait(false);
            foreach (TableEntity entity in page.Entities)
            {
                yield return entity;
            }

            continuation = page.ContinuationToken;
        }
        while (continuation is not null);
    }

    /// <summary>
    /// One page of at most <paramref name="top"/> (1-1000, default 1000) entities. A page may be short, even empty, and
    /// still carry a continuation token; the query is done only when the token is null.
    /// </summary>
    public async Task<TablePage> QueryPageAsync(string? filter, IEnumerable<string>? select, int? top, string? continuationToken, CancellationToken cancellationToken = default)
    {
        // https://learn.microsoft.com/rest/api/storageservices/query-entities
        // https://learn.microsoft.com/rest/api/storageservices/query-timeout-and-pagination
        if (top is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(top), top, $"A query page holds 1 to {MaxPageSize} entities.");
        }

        using HttpMessage message = CreateMessage(RequestMethod.Get, Name + "()", MinimalMetadata);
        RequestUriBuilder uri = message.Request.Uri;
        if (!string.IsNullOrEmpty(filter))
        {
            uri.AppendQuery("$filter", filter, escapeValue: true);
        }

        AppendSelect(uri, select);
        if (top is { } t)
        {
            uri.AppendQuery("$top", t.ToString(CultureInfo.InvariantCulture), escapeValue: false);
        }

        if (continuationToken is not null)
        {
            (string nextPartition, string? nextRow) = ParseContinuation(continuationToken);
            uri.AppendQuery("NextPartitionKey", nextPartition, escapeValue: true);
            if (nextRow is not null)
            {
                uri.AppendQuery("NextRowKey", nextRow, escapeValue: true);
            }
        }

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.Status != 200)
        {
            throw new RequestFailedException(message.Response);
        }

        var entities = new List<TableEntity>();
        using (JsonDocument json = JsonDocument.Parse(message.Response.Content.ToMemory()))
        {
            foreach (JsonElement element in json.RootElement.GetProperty("value").EnumerateArray())
            {
                entities.Add(TableJson.Deserialize(element));
            }
        }

        message.Response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out string? npk);
        message.Response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out string? nrk);
        return new TablePage(entities, string.IsNullOrEmpty(npk) ? null : FormatContinuation(npk, nrk));
    }

    /// <summary>
    /// Applies all actions atomically (one entity group transaction) and returns each action's new ETag in order (null
    /// for a delete). All actions must share a PartitionKey, name each entity once, number at most 100 and fit in 4 MiB:
    /// that is checked before anything is sent (<see cref="ArgumentException"/>). A refused transaction applies nothing
    /// and throws <see cref="TableTransactionFailedException"/>.
    /// </summary>
    public async Task<IReadOnlyList<ETag?>> SubmitTransactionAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        // https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions
        (byte[] body, string contentType) = TableBatch.Build(_endpoint, Name, actions);
        using HttpMessage message = CreateMessage(RequestMethod.Post, "$batch", "application/json");
        message.Request.Headers.SetValue("Content-Type", contentType);
        message.Request.Content = RequestContent.Create(body);
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        // A refused changeset still answers 202; the failure is inside the multipart body.
        return message.Response.Status switch
        {
            202 => TableBatch.ReadResponse(message.Response, actions),
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>The If-Match header value: "*" for any version, else the ETag as the service issued it.</summary>
    internal static string IfMatchHeader(ETag etag) => etag == ETag.All ? "*" : etag.ToString("H");

    private async Task<ETag?> InsertAsync(TableEntity entity, bool conflictIsResult, CancellationToken cancellationToken)
    {
        // https://learn.microsoft.com/rest/api/storageservices/insert-entity
        ArgumentNullException.ThrowIfNull(entity);
        using HttpMessage message = CreateMessage(RequestMethod.Post, Name, MinimalMetadata);
        SetJsonContent(message.Request, TableJson.Serialize(entity));
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            201 or 204 => ResponseETag(message.Response),
            409 when conflictIsResult && ErrorCode(message.Response) == "EntityAlreadyExists" => null,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    private HttpMessage CreateEntityWrite(TableEntity entity, TableUpdateMode mode, ETag? ifMatch)
    {
        // PATCH is the JSON-era spelling of the service's MERGE verb.
        RequestMethod method = mode == TableUpdateMode.Merge ? RequestMethod.Patch : RequestMethod.Put;
        HttpMessage message = CreateMessage(method, TableKeys.EntityPath(Name, entity.PartitionKey, entity.RowKey), MinimalMetadata);
        SetJsonContent(message.Request, TableJson.Serialize(entity));
        if (ifMatch is { } etag)
        {
            // Without If-Match the same request is an upsert; with it, an update of an existing entity.
            message.Request.Headers.SetValue("If-Match", IfMatchHeader(etag));
        }

        return message;
    }

    private HttpMessage CreateMessage(RequestMethod method, string path, string accept)
    {
        HttpMessage message = _pipeline.CreateMessage();
        Request request = message.Request;
        request.Method = method;
        request.Uri.Reset(new Uri(_baseUri + path));
        request.Headers.SetValue("Accept", accept);
        // https://learn.microsoft.com/rest/api/storageservices/setting-the-odata-data-service-version-headers
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }

    private static void SetJsonContent(Request request, byte[] json)
    {
        // Set as a header so the SharedKey policy signs it.
        request.Headers.SetValue("Content-Type", "application/json");
        request.Content = RequestContent.Create(json);
    }

    private static void AppendSelect(RequestUriBuilder uri, IEnumerable<string>? select)
    {
        if (select is null)
        {
            return;
        }

        // The keys are always asked for: an entity without them cannot be written back.
        IEnumerable<string> names = SystemProperties.Concat(select).Distinct(StringComparer.Ordinal);
        uri.AppendQuery("$select", string.Join(',', names), escapeValue: true);
    }

    private static ETag ResponseETag(Response response) =>
        response.Headers.ETag ?? throw new RequestFailedException(response.Status, "The Table service answered without an ETag.");

    private static string? ErrorCode(Response response) =>
        new StorageErrorParser().TryParse(response, out ResponseError? error, out _) ? error?.Code : null;

    // The two continuation headers travel as one opaque token: each part URL-escaped, joined by a space.
    private static string FormatContinuation(string nextPartitionKey, string? nextRowKey) =>
        Uri.EscapeDataString(nextPartitionKey) + (nextRowKey is null ? "" : " " + Uri.EscapeDataString(nextRowKey));

    private static (string NextPartitionKey, string? NextRowKey) ParseContinuation(string token)
    {
        string[] parts = token.Split(' ');
        if (parts.Length > 2 || parts[0].Length == 0)
        {
            throw new ArgumentException("The continuation token is not one this client issued.", nameof(token));
        }

        return (Uri.UnescapeDataString(parts[0]), parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : null);
    }

    private static void ValidateTableName(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        // https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#table-names
        bool valid = tableName.Length is >= 3 and <= 63 && char.IsAsciiLetter(tableName[0]) && tableName.All(char.IsAsciiLetterOrDigit)
            && !tableName.Equals("tables", StringComparison.OrdinalIgnoreCase);
        if (!valid)
        {
            throw new ArgumentException(
                $"Table name '{tableName}' is invalid: 3-63 ASCII letters and digits, starting with a letter, and not 'tables'.", nameof(tableName));
        }
    }
}
