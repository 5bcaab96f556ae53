using System.Text;
using Hub.Domain.Intake.Mail;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// An RFC 5322 address-list: name-addr and addr-spec mailboxes, quoted strings, comments, groups (flattened), and
/// RFC 2047 encoded display names. Lenient about what real mail does: an "addr (Name)" comment becomes the display
/// name, a source route in angle brackets is dropped.
/// </summary>
internal static class AddressList
{
    /// <summary>The well-formed mailboxes, in order; an entry that is not one is skipped.</summary>
    public static List<MailAddress> Parse(string? input)
    {
        var addresses = new List<MailAddress>();
        if (string.IsNullOrWhiteSpace(input))
        {
            return addresses;
        }

        var entry = new Entry();
        int i = 0;
        while (i < input.Length)
        {
            char c = input[i];
            switch (c)
            {
                case '"':
                    entry.Words.Add(ReadQuoted(input, ref i));
                    break;
                case '(':
                    entry.Comment ??= ReadComment(input, ref i).Trim();
                    break;
                case '<':
                    int close = input.IndexOf('>', i + 1);
                    close = close < 0 ? input.Length : close;
                    entry.Angle = input[(i + 1)..close];
                    i = close + 1;
                    break;
                case ',' or ';':
                    Finish(entry, addresses);
                    entry = new Entry();
                    i++;
                    break;
                case ':':
                    // "Group name: a@x, b@y;": the group's name is not a mailbox.
                    entry = new Entry();
                    i++;
                    break;
                case ' ' or '\t' or '\r' or '\n':
                    i++;
                    break;
                default:
                    int start = i;
                    while (i < input.Length && !IsSpecial(input[i]))
                    {
                        i++;
                    }

                    entry.Words.Add(input[start..i]);
                    break;
            }
        }

        Finish(entry, addresses);
        return addresses;
    }

    private static void Finish(Entry entry, List<MailAddress> addresses)
    {
        if (entry.Angle is null && entry.Words.Count == 0)
        {
            return; // an empty entry: trailing comma, empty group
        }

        string address;
        string? display;
        if (entry.Angle is not null)
        {
            // <@relay1,@relay2:user@host>: the obsolete source route precedes the last ':'.
            address = entry.Angle[(entry.Angle.LastIndexOf(':') + 1)..].Trim();
            display = entry.Words.Count > 0 ? string.Join(' ', entry.Words) : entry.Comment;
        }
        else
        {
            address = string.Concat(entry.Words);
            display = entry.Comment;
        }

        if (!IsAddrSpec(address))
        {
            return;
        }

        display = display is null ? null : EncodedWords.Decode(display).Trim();
        addresses.Add(new MailAddress(address.ToLowerInvariant(), string.IsNullOrEmpty(display) ? null : display));
    }

    private static bool IsAddrSpec(string address)
    {
        int at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 && !address.Any(ch => char.IsWhiteSpace(ch) || ch is '<' or '>' or ',');
    }

    private static bool IsSpecial(char c) => c is '"' or '(' or ')' or '<' or '>' or ',' or ';' or ':' or ' ' or '\t' or '\r' or '\n';

    private static string ReadQuoted(string input, ref int i)
    {
        var text = new StringBuilder();
        i++; // opening quote
        while (i < input.Length && input[i] != '"')
        {
            if (input[i] == '\\' && i + 1 < input.Length)
            {
                i++;
            }

            text.Append(input[i]);
            i++;
        }

        i++; // closing quote
        return text.ToString();
    }

    private static string ReadComment(string input, ref int i)
    {
        var text = new StringBuilder();
        int depth = 0;
        do
        {
            char c = input[i];
            if (c == '\\' && i + 1 < input.Length)
            {
                text.Append(input[i + 1]);
                i += 2;
                continue;
            }

            depth += c switch { '(' => 1, ')' => -1, _ => 0 };
            if (!(depth == 1 && c == '(') && depth > 0)
            {
                text.Append(c);
            }

            i++;
        }
        while (i < input.Length && depth > 0);

        return text.ToString();
    }

    private sealed class Entry
    {
        public List<string> Words { get; } = [];

        public string? Angle { get; set; }

        public string? Comment { get; set; }
    }
}
