using System.Text.Json;
using Hub.Domain.Connectors;

namespace Hub.Functions.Connectors;

/// <summary>What an RT ticket, read back after an update, shows RT did not take of the call: one line per field.</summary>
internal static class RtUpdateCheck
{
    public static List<string> Refused(ConnectorCall call, JsonElement ticket)
    {
        var refused = new List<string>();
        if (call.Status is { } status)
        {
            string? actual = ticket.TryGetProperty("Status", out JsonElement s) ? s.GetString() : null;
            if (!string.Equals(actual, status, StringComparison.OrdinalIgnoreCase))
            {
                refused.Add($"Status '{status}' (the ticket is '{actual}')");
            }
        }

        foreach ((string name, string value) in call.CustomFields ?? new Dictionary<string, string>())
        {
            JsonElement? field = ticket.TryGetProperty("CustomFields", out JsonElement fields) && fields.ValueKind == JsonValueKind.Array
                ? fields.EnumerateArray().Cast<JsonElement?>().FirstOrDefault(f => string.Equals(f!.Value.GetProperty("name").GetString(), name, StringComparison.OrdinalIgnoreCase))
                : null;
            if (field is not { } applied)
            {
                refused.Add($"custom field {name}: it does not apply to the ticket's queue (or the hub's RT user may not see it)");
                continue;
            }

            string[] values = applied.TryGetProperty("values", out JsonElement v) && v.ValueKind == JsonValueKind.Array
                ? [.. v.EnumerateArray().Select(x => x.ToString())]
                : [];
            if (!values.Contains(value, StringComparer.Ordinal))
            {
                refused.Add($"custom field {name} = '{value}' (it holds {(values.Length == 0 ? "no value" : string.Join(", ", values.Select(x => $"'{x}'")))})");
            }
        }

        return refused;
    }
}
