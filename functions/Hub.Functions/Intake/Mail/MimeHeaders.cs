using System.Text;
using Hub.Domain.Intake.Mail;
using MimeKit;
using MimeKit.Utils;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// The few MimeKit calls every webhook format shares: header blocks, address lists, RFC 2047 text and charset names.
/// </summary>
internal static class MimeHeaders
{
    /// <summary>Decodes bytes that did not say their charset, replacing what is not UTF-8.</summary>
    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>
    /// A raw RFC 5322 header block (SendGrid's <c>headers</c> field, the JSON format's string form), read as a message
    /// without a body: MimeKit's message parser skips an mbox "From " line and keeps going past a line that is not a
    /// header, where <see cref="HeaderList.Load(Stream, CancellationToken)"/> refuses the whole block. It still refuses
    /// a block that does not start with a header; the mail then has no header block and
    /// <paramref name="raw"/> gets the warning (<paramref name="field"/>, "unreadable").
    /// </summary>
    public static HeaderList FromBlock(string? block, string field, RawMail raw)
    {
        var headers = new HeaderList();
        if (string.IsNullOrWhiteSpace(block))
        {
            return headers;
        }

        using var stream = new MemoryStream(Utf8.GetBytes(block.TrimEnd('\r', '\n') + "\r\n\r\n"));
        try
        {
            using MimeMessage message = MimeMessage.Load(stream);
            AddAll(headers, message);
        }
        catch (FormatException)
        {
            // MimeKit's ParseException. Dedicated fields may still make a mail of it: better kept than lost.
            raw.Warnings.Add(new(field, "unreadable"));
        }

        return headers;
    }

    /// <summary>A message's top-level headers, the Content-* ones MimeKit moves to its body included.</summary>
    public static void AddAll(HeaderList into, MimeMessage message)
    {
        foreach (Header header in message.Headers.Concat(message.Body?.Headers ?? []))
        {
            // MimeKit keeps a line without a colon as a header named after the whole line: it is not one.
            if (IsFieldName(header.Field))
            {
                into.Add(header);
            }
        }
    }

    /// <summary>A header given as a name and a value (the JSON format's object form); false for a name RFC 5322 forbids.</summary>
    public static bool TryAdd(HeaderList into, string name, string value)
    {
        if (!IsFieldName(name))
        {
            return false;
        }

        // The raw value, not Header(name, value): that would RFC 2047-encode the text instead of decoding encoded-words in it.
        var header = new Header(name, string.Empty);
        header.SetRawValue(Utf8.GetBytes(" " + value + "\r\n"));
        into.Add(header);
        return true;
    }

    /// <summary>The first raw value of a header, or null.</summary>
    public static byte[]? Raw(HeaderList headers, HeaderId id) => headers.FirstOrDefault(h => h.Id == id)?.RawValue;

    /// <summary>The first decoded value of a header, or null.</summary>
    public static string? Value(HeaderList headers, HeaderId id) => headers.FirstOrDefault(h => h.Id == id)?.Value;

    /// <summary>
    /// The mailboxes of an address list, groups flattened, in order. MimeKit's message headers parse leniently (an entry
    /// that is not a mailbox is skipped) where <see cref="InternetAddressList.TryParse(string, out InternetAddressList)"/>
    /// refuses the whole list, and losing a customer's mail over one mangled Cc entry is worse than dropping the entry.
    /// </summary>
    public static List<MailAddress> Mailboxes(byte[]? raw)
    {
        if (raw is null)
        {
            return [];
        }

        var header = new Header(HeaderId.To, string.Empty);
        header.SetRawValue([(byte)' ', .. raw.Where(b => b is not ((byte)'\r' or (byte)'\n')), (byte)'\r', (byte)'\n']);
        using var message = new MimeMessage();
        message.Headers.Add(header);
        return message.To.Mailboxes
            // MimeKit accepts a local part alone ("nobody"); nothing can be sent to it.
            .Where(m => m.LocalPart.Length > 0 && m.Domain.Length > 0)
            .Select(m => new MailAddress(m.Address.ToLowerInvariant(), string.IsNullOrWhiteSpace(m.Name) ? null : m.Name.Trim()))
            .ToList();
    }

    public static List<MailAddress> Mailboxes(string? text) => Mailboxes(text is null ? null : Utf8.GetBytes(text));

    /// <summary>RFC 2047 encoded-words in a text already decoded from its charset (a form field, a JSON string).</summary>
    public static string DecodeWords(string text) => Rfc2047.DecodeText(Utf8.GetBytes(text));

    /// <summary>Message-ID / In-Reply-To: the first id, angle brackets stripped (optional, as some mailers omit them).</summary>
    public static string? MessageId(string? value) => string.IsNullOrWhiteSpace(value) ? null : MimeUtils.ParseMessageId(value);

    /// <summary>References: every bracketed id in order; a value without brackets is one id.</summary>
    public static IEnumerable<string> References(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        List<string> ids = [.. MimeUtils.EnumerateReferences(value)];
        return ids.Count > 0 || MessageId(value) is not { } single ? ids : [single];
    }

    /// <summary>The encoding for a charset name (windows-1252, "iso-8859-1", ...); null when MimeKit does not know it.</summary>
    public static Encoding? Charset(string? name) =>
        string.IsNullOrWhiteSpace(name) ? null : new ContentType("text", "plain") { Charset = name.Trim().Trim('"') }.CharsetEncoding;

    public static string ContentId(string? value) => (value ?? string.Empty).Trim().TrimStart('<').TrimEnd('>');

    private static bool IsFieldName(string name) => name.Length > 0 && name.All(c => c is > ' ' and < (char)127 and not ':');
}
