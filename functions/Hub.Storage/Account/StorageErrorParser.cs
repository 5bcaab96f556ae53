using System.Text.Json;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace Hub.Storage.Account;

/// <summary>
/// Gives <see cref="RequestFailedException.ErrorCode"/> the storage error code: the x-ms-error-code header when present,
/// else the XML (Blob, Queue) or OData JSON (Table) error body.
/// </summary>
internal sealed class StorageErrorParser : RequestFailedDetailsParser
{
    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        error = null;
        string? code = response.Headers.TryGetValue("x-ms-error-code", out string? header) ? header : null;
        string? message = null;
        try
        {
            if (response.Content is { } content && content.ToMemory().Length > 0)
            {
                string text = content.ToString();
                if (text.TrimStart().StartsWith('<'))
                {
                    XElement root = XElement.Parse(text);
                    code ??= root.Element("Code")?.Value;
                    message = root.Element("Message")?.Value;
                }
                else if (text.TrimStart().StartsWith('{'))
                {
                    using JsonDocument json = JsonDocument.Parse(text);
                    if (json.RootElement.TryGetProperty("odata.error", out JsonElement odata))
                    {
                        code ??= odata.TryGetProperty("code", out JsonElement c) ? c.GetString() : null;
                        message = odata.TryGetProperty("message", out JsonElement m)
                            ? m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out JsonElement v) ? v.GetString() : m.ToString()
                            : null;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or System.Xml.XmlException)
        {
            // A body that is not the documented error format still leaves the header code and the status.
        }

        if (code is null && message is null)
        {
            return false;
        }

        error = new ResponseError(code, message?.Split('\n')[0] ?? code);
        return true;
    }
}
