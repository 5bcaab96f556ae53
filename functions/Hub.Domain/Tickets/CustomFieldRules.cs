using System.Globalization;
using System.Text.RegularExpressions;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;

namespace Hub.Domain.Tickets;

/// <summary>
/// Validates custom field values against a queue's definitions and turns them into one canonical spelling, so the
/// store can index and compare them. Every refusal names the field and the rule.
/// </summary>
public static class CustomFieldRules
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(250);

    // ISO 8601 with a required offset; a local time without offset is ambiguous across the hub's instances.
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mmzzz",
        "yyyy-MM-dd'T'HH:mm'Z'",
    ];

    /// <summary>
    /// Applies <paramref name="changes"/> (null or blank value = remove) to <paramref name="current"/>: the canonical
    /// changes, or a refusal. Every Required field must be present afterwards, so a required field cannot be removed.
    /// </summary>
    public static Result<IReadOnlyDictionary<string, string?>> Validate(
        QueueDefinition queue,
        IReadOnlyDictionary<string, string> current,
        IReadOnlyDictionary<string, string?> changes)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(changes);

        var canonical = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach ((string name, string? value) in changes.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            CustomFieldDefinition? field = queue.CustomFields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
            if (field is null)
            {
                return Result<IReadOnlyDictionary<string, string?>>.Rejected(
                    $"Custom field '{name}' is not defined in queue '{queue.Name}'.");
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                canonical[field.Name] = null;
                continue;
            }

            Result<string> parsed = Canonical(field, value.Trim());
            if (!parsed.IsOk)
            {
                return Result<IReadOnlyDictionary<string, string?>>.Rejected(parsed.Reason!);
            }

            canonical[field.Name] = parsed.Value;
        }

        foreach (CustomFieldDefinition field in queue.CustomFields.Where(f => f.Required))
        {
            bool present = canonical.TryGetValue(field.Name, out string? changed) ? changed is not null : current.ContainsKey(field.Name);
            if (!present)
            {
                return Result<IReadOnlyDictionary<string, string?>>.Rejected(
                    $"Custom field '{field.Name}' is required in queue '{queue.Name}'.");
            }
        }

        return Result<IReadOnlyDictionary<string, string?>>.Ok(canonical);
    }

    /// <summary>The canonical spelling of one value of <paramref name="field"/>, or why it is not a valid value.</summary>
    public static Result<string> Canonical(CustomFieldDefinition field, string value)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(value);

        CultureInfo inv = CultureInfo.InvariantCulture;
        string? result = field.Type switch
        {
            CustomFieldType.Text => MatchesPattern(field.Pattern, value) switch
            {
                true => value,
                false => null,
                null => null,
            },
            CustomFieldType.WholeNumber => long.TryParse(value, NumberStyles.AllowLeadingSign, inv, out long whole)
                ? whole.ToString(inv)
                : null,
            CustomFieldType.Number => decimal.TryParse(value, NumberStyles.Float, inv, out decimal number)
                ? number.ToString("0.############################", inv)
                : null,
            CustomFieldType.Boolean => value.ToUpperInvariant() switch
            {
                "TRUE" or "YES" or "1" => "true",
                "FALSE" or "NO" or "0" => "false",
                _ => null,
            },
            CustomFieldType.Date => DateOnly.TryParseExact(value, "yyyy-MM-dd", inv, DateTimeStyles.None, out DateOnly date)
                ? date.ToString("yyyy-MM-dd", inv)
                : null,
            CustomFieldType.DateTime => DateTimeOffset.TryParseExact(value, DateTimeFormats, inv, DateTimeStyles.AssumeUniversal, out DateTimeOffset at)
                ? at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", inv)
                : null,
            CustomFieldType.Url => Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? value
                : null,
            CustomFieldType.Select => field.Values?.FirstOrDefault(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase)),
            _ => null,
        };

        return result is not null ? Result<string>.Ok(result) : Result<string>.Rejected(RuleText(field, value));
    }

    private static string RuleText(CustomFieldDefinition field, string value)
    {
        string rule = field.Type switch
        {
            CustomFieldType.Text when MatchesPattern(field.Pattern, value) is null => $"could not be checked against the pattern '{field.Pattern}' in time",
            CustomFieldType.Text => $"must match the pattern '{field.Pattern}'",
            CustomFieldType.WholeNumber => "must be a whole number",
            CustomFieldType.Number => "must be a number",
            CustomFieldType.Boolean => "must be true or false",
            CustomFieldType.Date => "must be a date (yyyy-MM-dd)",
            CustomFieldType.DateTime => "must be an ISO 8601 date and time with an offset (e.g. 2026-03-01T14:30:00+01:00)",
            CustomFieldType.Url => "must be an absolute http or https URL",
            CustomFieldType.Select => $"must be one of {string.Join(", ", field.Values ?? [])}",
            _ => $"has an unknown type {field.Type}",
        };
        return $"Custom field '{field.Name}' {rule}; got '{value}'.";
    }

    // The whole value must match (the pattern is anchored); null when the pattern took too long.
    private static bool? MatchesPattern(string? pattern, string value)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return true;
        }

        try
        {
            return Regex.IsMatch(value, $"^(?:{pattern})$", RegexOptions.CultureInvariant, PatternTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
