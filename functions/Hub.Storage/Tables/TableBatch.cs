using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using InnerResponse = (int Status, System.Collections.Generic.Dictionary<string, string> Headers, string Body);

namespace Hub.Storage.Tables;

/// <summary>
/// The multipart/mixed body of an entity group transaction (one batch holding one changeset) and the reading of its
/// answer. https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions
/// </summary>
internal static class TableBatch
{
    public const int MaxActions = 100;
    public const int MaxPayloadBytes = 4 * 1024 * 1024;
    private const string Crlf = "\r\n";

    /// <summary>Checks the service's transaction rules up front and builds the body; nothing is sent on a violation.</summary>
    public static (byte[] Body, string ContentType) Build(Uri endpoint, string table, IReadOnlyList<TableTransactionAction> actions)
    {
        Validate(actions);

        string batch = "batch_" + Guid.NewGuid().ToString("D");
        string changeset = "changeset_" + Guid.NewGuid().ToString("D");
        string baseUri = endpoint.AbsoluteUri.TrimEnd('/') + "/";
        var sb = new StringBuilder();
        sb.Append("--").Append(batch).Append(Crlf)
            .Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append(Crlf)
            .Append(Crlf);

        foreach (TableTransactionAction action in actions)
        {
            TableEntity entity = action.Entity;
            (string method, bool hasBody, bool conditional) = action.Type switch
            {
                TableTransactionActionType.Add => ("POST", true, false),
                TableTransactionActionType.UpsertMerge => ("PATCH", true, false),
                TableTransactionActionType.UpsertReplace => ("PUT", true, false),
                TableTransactionActionType.UpdateMerge => ("PATCH", true, true),
                TableTransactionActionType.UpdateReplace => ("PUT", true, true),
                TableTransactionActionType.Delete => ("DELETE", false, true),
                _ => throw new ArgumentOutOfRangeException(nameof(actions), action.Type, "Unknown transaction action type."),
            };
            string uri = action.Type == TableTransactionActionType.Add
                ? baseUri + table
                : baseUri + TableKeys.EntityPath(table, entity.PartitionKey, entity.RowKey);

            // Inner requests are plain HTTP/1.1 messages with absolute URIs; they are not signed themselves.
            sb.Append("--").Append(changeset).Append(Crlf)
                .Append("Content-Type: application/http").Append(Crlf)
                .Append("Content-Transfer-Encoding: binary").Append(Crlf)
                .Append(Crlf)
                .Append(method).Append(' ').Append(uri).Append(" HTTP/1.1").Append(Crlf)
                .Append("Accept: ").Append(TableClient.MinimalMetadata).Append(Crlf)
                .Append("DataServiceVersion: 3.0").Append(Crlf);
            if (conditional)
            {
                sb.Append("If-Match: ").Append(TableClient.IfMatchHeader(action.IfMatch ?? ETag.All)).Append(Crlf);
            }

            if (action.Type == TableTransactionActionType.Add)
            {
                sb.Append("Prefer: return-no-content").Append(Crlf);
            }

            if (hasBody)
            {
                sb.Append("Content-Type: application/json").Append(Crlf)
                    .Append(Crlf)
                    .Append(Encoding.UTF8.GetString(TableJson.Serialize(entity))).Append(Crlf);
            }
            else
            {
                sb.Append(Crlf);
            }
        }

        sb.Append("--").Append(changeset).Append("--").Append(Crlf)
            .Append("--").Append(batch).Append("--").Append(Crlf);

        byte[] body = Encoding.UTF8.GetBytes(sb.ToString());
        if (body.Length > MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"The transaction payload is {body.Length.ToString(CultureInfo.InvariantCulture)} bytes; the service accepts at most 4 MiB ({MaxPayloadBytes} bytes). Split it into smaller transactions.",
                nameof(actions));
        }

        return (body, "multipart/mixed; boundary=" + batch);
    }

    /// <summary>The per-action ETags of a 202 answer (null for deletes), or the failure it reports.</summary>
    public static IReadOnlyList<ETag?> ReadResponse(Response response, IReadOnlyList<TableTransactionAction> actions) =>
        ReadResponse(response.Status, response.Headers.ContentType ?? "", response.Content.ToString(), actions);

    internal static IReadOnlyList<ETag?> ReadResponse(int status, string contentType, string content, IReadOnlyList<TableTransactionAction> actions)
    {
        string? batchBoundary = Boundary(contentType)
            ?? throw new RequestFailedException(status, $"The transaction response has no multipart boundary (Content-Type '{contentType}').");
        string text = content.Replace("\r\n", "\n", StringComparison.Ordinal);

        // The batch holds one part: the changeset response, itself multipart with one part per operation (or one error).
        string batchPart = Parts(text, batchBoundary).FirstOrDefault()
            ?? throw new RequestFailedException(status, "The transaction response holds no changeset.");
        (Dictionary<string, string> partHeaders, string changesetBody) = SplitHeaders(batchPart);
        string? changesetBoundary = Boundary(partHeaders.GetValueOrDefault("Content-Type", ""));
        List<InnerResponse> inner = changesetBoundary is null
            ? [ParseInner(changesetBody)] // A request-level error may come back as a bare HTTP message.
            : Parts(changesetBody, changesetBoundary).Select(p => ParseInner(SplitHeaders(p).Body)).ToList();

        int failed = inner.FindIndex(r => r.Status >= 300);
        if (failed >= 0)
        {
            throw Failure(inner[failed], actions);
        }

        if (inner.Count != actions.Count)
        {
            throw new RequestFailedException(
                status,
                $"The transaction response holds {inner.Count} operation responses for {actions.Count} actions.");
        }

        return inner.Select(r => r.Headers.TryGetValue("ETag", out string? etag) ? new ETag(etag) : (ETag?)null).ToList();
    }

    private static void Validate(IReadOnlyList<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0)
        {
            throw new ArgumentException("A table transaction needs at least one action.", nameof(actions));
        }

        if (actions.Count > MaxActions)
        {
            throw new ArgumentException(
                $"A table transaction holds at most {MaxActions} actions; this one has {actions.Count}. Split it into smaller transactions.",
                nameof(actions));
        }

        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        string partition = actions[0]?.Entity?.PartitionKey ?? throw new ArgumentException("Action 0 has no entity.", nameof(actions));
        for (int i = 0; i < actions.Count; i++)
        {
            TableTransactionAction action = actions[i] ?? throw new ArgumentException($"Action {i} is null.", nameof(actions));
            TableEntity entity = action.Entity ?? throw new ArgumentException($"Action {i} has no entity.", nameof(actions));
            if (!string.Equals(entity.PartitionKey, partition, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"All actions of a table transaction must share one PartitionKey; action 0 has '{partition}' and action {i} has '{entity.PartitionKey}'.",
                    nameof(actions));
            }

            if (!rowKeys.Add(entity.RowKey))
            {
                throw new ArgumentException(
                    $"An entity may appear only once in a table transaction; RowKey '{entity.RowKey}' appears again at action {i}.", nameof(actions));
            }

            bool conditional = action.Type is TableTransactionActionType.UpdateMerge or TableTransactionActionType.UpdateReplace
                or TableTransactionActionType.Delete;
            if (action.IfMatch is not null && !conditional)
            {
                throw new ArgumentException($"Action {i} ({action.Type}) does not take an If-Match ETag.", nameof(actions));
            }

            if (action.IfMatch is { } ifMatch && ifMatch == default)
            {
                throw new ArgumentException($"Action {i} ({action.Type}) has an empty If-Match ETag; use null or ETag.All for any version.", nameof(actions));
            }
        }
    }

    private static TableTransactionFailedException Failure(InnerResponse failure, IReadOnlyList<TableTransactionAction> actions)
    {
        string? code = null;
        string message = failure.Body.Trim();
        try
        {
            using JsonDocument json = JsonDocument.Parse(failure.Body);
            if (json.RootElement.TryGetProperty("odata.error", out JsonElement error))
            {
                code = error.TryGetProperty("code", out JsonElement c) ? c.GetString() : null;
                if (error.TryGetProperty("message", out JsonElement m))
                {
                    message = (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out JsonElement v) ? v.GetString() : m.GetString()) ?? "";
                }
            }
        }
        catch (JsonException)
        {
            // Not the documented error body: keep the raw text as the message.
        }

        // The service prefixes the message with the zero-based index of the failing operation: "1:The specified entity already exists."
        int? index = null;
        int colon = message.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out int parsed)
            && parsed < actions.Count)
        {
            index = parsed;
            message = message[(colon + 1)..];
        }

        string firstLine = message.Split('\n')[0].Trim();
        string where = index is { } n
            ? $"action {n} ({actions[n].Type} '{actions[n].Entity.PartitionKey}'/'{actions[n].Entity.RowKey}')"
            : "an unidentified action";
        return new TableTransactionFailedException(
            failure.Status,
            $"The table transaction was rejected at {where} with {failure.Status} {code}: {firstLine} Nothing in the transaction was applied.",
            code,
            index);
    }

    private static string? Boundary(string contentType)
    {
        foreach (string parameter in contentType.Split(';'))
        {
            string p = parameter.Trim();
            if (p.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))
            {
                return p["boundary=".Length..].Trim('"');
            }
        }

        return null;
    }

    /// <summary>The parts between "--boundary" delimiters, without the preamble and the closing "--boundary--".</summary>
    private static List<string> Parts(string body, string boundary)
    {
        string delimiter = "--" + boundary;
        var parts = new List<string>();
        string[] pieces = body.Split(delimiter);
        for (int i = 1; i < pieces.Length; i++)
        {
            if (pieces[i].StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }

            parts.Add(pieces[i].TrimStart('\n'));
        }

        return parts;
    }

    private static (Dictionary<string, string> Headers, string Body) SplitHeaders(string part)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int end = part.IndexOf("\n\n", StringComparison.Ordinal);
        string head = end < 0 ? part : part[..end];
        foreach (string line in head.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return (headers, end < 0 ? "" : part[(end + 2)..]);
    }

    private static InnerResponse ParseInner(string http)
    {
        // "HTTP/1.1 204 No Content", headers, blank line, body.
        string text = http.TrimStart('\n');
        int lineEnd = text.IndexOf('\n', StringComparison.Ordinal);
        string statusLine = lineEnd < 0 ? text : text[..lineEnd];
        string[] words = statusLine.Split(' ', 3);
        if (words.Length < 2 || !words[0].StartsWith("HTTP/", StringComparison.Ordinal)
            || !int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out int status))
        {
            throw new FormatException($"The transaction response holds a part that is not an HTTP response: '{statusLine}'.");
        }

        (Dictionary<string, string> headers, string body) = SplitHeaders(lineEnd < 0 ? "" : text[(lineEnd + 1)..]);
        return (status, headers, body.Trim());
    }
}
