using System.Text.Json;
using System.Text.Unicode;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;

namespace Hub.Domain.Intake.Alerts;

/// <summary>
/// Turns a monitoring webhook body (<c>POST /api/hooks/alerts/{format}</c>) into normalized alerts. Pure: no I/O, no
/// clock. Formats, identities, delivery keys and validation rules are described in docs/alerts.md.
/// </summary>
public static class AlertParser
{
    /// <summary>More alerts than this in one delivery is refused rather than half-processed.</summary>
    public const int MaxAlerts = 1000;

    public static readonly IReadOnlyList<string> Formats = ["alertmanager", "grafana", "azure-monitor", "pagerduty"];

    private static readonly JsonDocumentOptions Options = new()
    {
        // Two values for one field leave the meaning to whichever parser reads it: refuse them.
        AllowDuplicateProperties = false,
        MaxDepth = 64,
    };

    /// <summary>The batch, or a rejection whose reason lists every field error as "field: rule", separated by "; ".</summary>
    public static Result<AlertBatch> Parse(string format, ReadOnlySpan<byte> body, AlertIntakeDefinition policy)
    {
        (AlertBatch? batch, IReadOnlyList<AlertParseError> errors) = ParseDetailed(format, body, policy);
        return batch is not null
            ? Result<AlertBatch>.Ok(batch)
            : Result<AlertBatch>.Rejected(string.Join("; ", errors));
    }

    /// <summary>
    /// The batch and no errors, or no batch and the field-level errors (for an RFC 9457 <c>errors</c> array).
    /// </summary>
    public static (AlertBatch? Batch, IReadOnlyList<AlertParseError> Errors) ParseDetailed(
        string format, ReadOnlySpan<byte> body, AlertIntakeDefinition policy)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(policy);

        if (!Formats.Contains(format, StringComparer.Ordinal))
        {
            return (null, [new AlertParseError("format", $"must be one of {string.Join(", ", Formats)}")]);
        }

        // RFC 8259 allows a receiver to ignore a byte order mark; some Windows senders write one.
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        if (body.IsEmpty)
        {
            return (null, [new AlertParseError("$", "must not be empty")]);
        }

        // System.Text.Json does not check every string for well-formed UTF-8 up front; this does.
        if (!Utf8.IsValid(body))
        {
            return (null, [new AlertParseError("$", "must be UTF-8")]);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), Options);
        }
        catch (JsonException exception)
        {
            return (null, [new AlertParseError("$", $"must be JSON ({Position(exception)})")]);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            var reader = new FieldReader();
            bool arrayAllowed = format == "pagerduty";
            if (root.ValueKind != JsonValueKind.Object && !(arrayAllowed && root.ValueKind == JsonValueKind.Array))
            {
                return (null, [new AlertParseError("$", arrayAllowed ? "must be a JSON object or array" : "must be a JSON object")]);
            }

            AlertBatch? batch = format switch
            {
                "alertmanager" or "grafana" => AlertmanagerPayload.Read(format, root, policy, reader),
                "azure-monitor" => AzureMonitorPayload.Read(root, policy, reader),
                _ => PagerDutyPayload.Read(root, policy, reader),
            };
            return reader.HasErrors || batch is null ? (null, reader.Errors) : (batch, []);
        }
    }

    private static string Position(JsonException exception) =>
        exception.LineNumber is long line && exception.BytePositionInLine is long position
            ? $"line {line + 1}, byte {position + 1}"
            : "malformed";
}
