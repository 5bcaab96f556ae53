using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Hub.Functions.Intake.Mail;

/// <summary>RFC 2047 encoded-words (=?charset?B|Q?text?=) in header values, display names and file names.</summary>
internal static partial class EncodedWords
{
    public static string Decode(string value)
    {
        if (!value.Contains("=?", StringComparison.Ordinal))
        {
            return value;
        }

        var output = new StringBuilder(value.Length);
        int position = 0;
        // Bytes of adjacent encoded-words in one charset are decoded together: senders split multi-byte characters
        // across words (RFC 2047 forbids it, Outlook does it).
        var pending = new List<byte>();
        string? pendingCharset = null;

        foreach (Match match in EncodedWord().Matches(value))
        {
            string between = value[position..match.Index];
            byte[]? bytes = DecodeText(match.Groups["encoding"].Value, match.Groups["text"].Value);
            if (bytes is null)
            {
                // Not decodable: keep it literally, as the sender wrote it.
                Flush();
                output.Append(between).Append(match.Value);
                position = match.Index + match.Length;
                continue;
            }

            string charset = match.Groups["charset"].Value;
            // Section 6.2: whitespace between two encoded-words is not displayed.
            bool adjacent = pendingCharset is not null && string.IsNullOrWhiteSpace(between);
            if (!adjacent || !string.Equals(charset, pendingCharset, StringComparison.OrdinalIgnoreCase))
            {
                Flush();
                if (!adjacent)
                {
                    output.Append(between);
                }
            }

            pendingCharset = charset;
            pending.AddRange(bytes);
            position = match.Index + match.Length;
        }

        Flush();
        output.Append(value, position, value.Length - position);
        return output.ToString();

        void Flush()
        {
            if (pendingCharset is not null)
            {
                Encoding encoding = Charsets.Find(pendingCharset) ?? Charsets.Utf8;
                output.Append(encoding.GetString([.. pending]));
                pending.Clear();
                pendingCharset = null;
            }
        }
    }

    private static byte[]? DecodeText(string encoding, string text)
    {
        if (encoding is "B" or "b")
        {
            try
            {
                return Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        // Q: "_" is a space, "=XX" a byte, everything else itself.
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '_')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '=' && i + 2 < text.Length
                && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                bytes.Add(b);
                i += 2;
            }
            else if (c > 0x7F)
            {
                return null;
            }
            else
            {
                bytes.Add((byte)c);
            }
        }

        return [.. bytes];
    }

    // charset may carry an RFC 2231 language suffix (=?utf-8*en?Q?...?=); the text has no spaces or '?'.
    [GeneratedRegex(@"=\?(?<charset>[^?*\s]+)(\*[^?\s]*)?\?(?<encoding>[BbQq])\?(?<text>[^?\s]*)\?=", RegexOptions.CultureInvariant)]
    private static partial Regex EncodedWord();
}
