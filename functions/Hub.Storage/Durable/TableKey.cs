using System.Globalization;
using System.Text;

namespace Hub.Storage.Durable;

/// <summary>
/// Reversible escaping of ids for PartitionKey/RowKey: the Table service forbids '/', '\', '#', '?' and control
/// characters in keys (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model).
/// Each such character, and the escape character '~' itself, becomes '~' and two hex digits.
/// </summary>
public static class TableKey
{
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(NeedsEscape))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            if (NeedsEscape(c))
            {
                sb.Append('~').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    public static string Unescape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('~', StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != '~')
            {
                sb.Append(value[i]);
                continue;
            }

            if (i + 2 >= value.Length
                || !int.TryParse(value.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
            {
                throw new FormatException($"'~' at position {i} is not followed by two hex digits.");
            }

            sb.Append((char)code);
            i += 2;
        }

        return sb.ToString();
    }

    // Control characters are all below 0xA0, so two hex digits always suffice.
    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '~' || char.IsControl(c);
}
