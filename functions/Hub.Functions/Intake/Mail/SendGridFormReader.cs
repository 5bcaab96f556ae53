using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Domain.Intake.Mail;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// SendGrid Inbound Parse: multipart/form-data with from, to, cc, subject, text, html, headers, envelope, charsets,
/// attachments, attachment-info and attachment1..N; in raw mode ("POST the raw, full MIME message") the whole message
/// in the email field instead of headers, bodies and attachments. Fields are kept as bytes and decoded at the end,
/// because the charsets part that says how may come after the fields it describes.
/// </summary>
internal static class SendGridFormReader
{
    private const string RawField = "email";

    private static readonly string[] TextFields = ["from", "to", "cc", "subject", "text", "html", "headers"];

    public static async Task<RawMail> ReadAsync(string boundary, Stream body, CancellationToken ct)
    {
        var raw = new RawMail();
        var fields = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        var files = new SortedDictionary<int, FilePart>();

        var reader = new MultipartReader(boundary, body);
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? disposition)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).ToString() is not { Length: > 0 } name)
                {
                    continue; // not a form field: nothing SendGrid sends, nothing we need
                }

                int? number = AttachmentNumber(name);
                if (number is not null && files.Count >= MailLimits.MaxAttachments)
                {
                    AddOnce(raw.Errors, new("attachments", "max-count"));
                    continue;
                }

                // The raw message carries the attachments: only the request's own limit bounds it.
                byte[]? bytes = await ReadLimitedAsync(section.Body, name.Equals(RawField, StringComparison.OrdinalIgnoreCase) ? int.MaxValue : MailLimits.MaxFieldBytes, ct);
                if (bytes is null)
                {
                    raw.Errors.Add(new(name, "max-size"));
                    continue;
                }

                if (number is { } n)
                {
                    string? fileName = disposition.FileNameStar.HasValue
                        ? disposition.FileNameStar.ToString()
                        : HeaderUtilities.RemoveQuotes(disposition.FileName).ToString();
                    files[n] = new FilePart(bytes, string.IsNullOrEmpty(fileName) ? null : fileName, section.ContentType);
                }
                else
                {
                    fields[name] = bytes;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // MultipartReader's answer to a truncated body, a missing boundary or oversized part headers.
            raw.Errors.Add(new("body", "multipart"));
            return raw;
        }

        Dictionary<string, string> charsets = ReadCharsets(fields, raw);
        foreach (string field in TextFields)
        {
            if (fields.TryGetValue(field, out byte[]? bytes))
            {
                string text = Decode(field, bytes, charsets, raw);
                switch (field)
                {
                    case "from": raw.From = text; break;
                    case "to": raw.To = text; break;
                    case "cc": raw.Cc = text; break;
                    case "subject": raw.Subject = text; break;
                    case "text": raw.Text = text; break;
                    case "html": raw.Html = text; break;
                    default: raw.Headers = MimeHeaders.FromBlock(text, field, raw); break;
                }
            }
        }

        ReadEnvelope(fields, raw);
        if (fields.TryGetValue(RawField, out byte[]? email))
        {
            // Raw mode: headers, bodies and attachments come from the message; from, to and subject still win.
            (raw.Headers, raw.Text, raw.Html) = ([], null, null);
            using var stream = new MemoryStream(email, writable: false);
            await MimeMailReader.ReadAsync(stream, RawField, raw, ct);
        }
        else
        {
            ReadAttachments(fields, files, raw);
        }

        return raw;
    }

    private static Dictionary<string, string> ReadCharsets(Dictionary<string, byte[]> fields, RawMail raw)
    {
        var charsets = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!fields.TryGetValue("charsets", out byte[]? json))
        {
            return charsets;
        }

        if (ParseJson(json, "charsets", JsonValueKind.Object, raw) is { } root)
        {
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    charsets[property.Name] = property.Value.GetString()!;
                }
            }
        }

        return charsets;
    }

    private static string Decode(string field, byte[] bytes, Dictionary<string, string> charsets, RawMail raw)
    {
        Encoding encoding = MimeHeaders.Utf8;
        if (charsets.TryGetValue(field, out string? charset))
        {
            Encoding? found = MimeHeaders.Charset(charset);
            if (found is null)
            {
                // Better a mail with a few replacement characters than a lost one.
                raw.Warnings.Add(new(field, "charset-unknown"));
            }
            else
            {
                encoding = found;
            }
        }

        return encoding.GetString(bytes);
    }

    private static void ReadEnvelope(Dictionary<string, byte[]> fields, RawMail raw)
    {
        if (!fields.TryGetValue("envelope", out byte[]? json))
        {
            return;
        }

        JsonElement? root = ParseJson(json, "envelope", JsonValueKind.Object, raw);
        if (root is { } envelope && envelope.TryGetProperty("to", out JsonElement to))
        {
            if (!JsonMailReader.TryStrings(to, raw.EnvelopeTo))
            {
                raw.Errors.Add(new("envelope.to", "type"));
            }
        }
    }

    private static void ReadAttachments(Dictionary<string, byte[]> fields, SortedDictionary<int, FilePart> files, RawMail raw)
    {
        if (fields.TryGetValue("attachments", out byte[]? countBytes))
        {
            if (!int.TryParse(Encoding.ASCII.GetString(countBytes).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            {
                raw.Errors.Add(new("attachments", "integer"));
            }
            else if (count > MailLimits.MaxAttachments)
            {
                AddOnce(raw.Errors, new("attachments", "max-count"));
            }
            else if (count != files.Count && !raw.Errors.Contains(new("attachments", "max-count")))
            {
                raw.Errors.Add(new("attachments", "count-mismatch"));
            }
        }

        var info = new Dictionary<int, JsonElement>();
        if (fields.TryGetValue("attachment-info", out byte[]? infoJson)
            && ParseJson(infoJson, "attachment-info", JsonValueKind.Object, raw) is { } infoRoot)
        {
            foreach (JsonProperty property in infoRoot.EnumerateObject())
            {
                if (AttachmentNumber(property.Name) is not { } n || property.Value.ValueKind != JsonValueKind.Object)
                {
                    raw.Errors.Add(new($"attachment-info.{property.Name}", "type"));
                }
                else if (!files.ContainsKey(n))
                {
                    raw.Errors.Add(new($"attachment-info.{property.Name}", "part-missing"));
                }
                else
                {
                    info[n] = property.Value;
                }
            }
        }

        foreach ((int n, FilePart part) in files)
        {
            JsonElement? described = info.TryGetValue(n, out JsonElement value) ? value : null;
            string fileName = Text(described, "filename") ?? Text(described, "name") ?? part.FileName ?? $"attachment{n}";
            string contentType = Text(described, "type") ?? part.ContentType ?? "application/octet-stream";
            string contentId = MimeHeaders.ContentId(Text(described, "content-id"));
            raw.Attachments.Add(new MailAttachment(MimeHeaders.DecodeWords(fileName), contentType, part.Content, contentId.Length == 0 ? null : contentId));
        }
    }

    private static string? Text(JsonElement? element, string name) =>
        element is { } e && e.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static JsonElement? ParseJson(byte[] json, string field, JsonValueKind kind, RawMail raw)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == kind)
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // reported below, like a JSON value of the wrong kind
        }

        raw.Errors.Add(new(field, "json"));
        return null;
    }

    /// <summary>"attachment7" -> 7; anything else (attachment-info, attachments, attachment0) -> null.</summary>
    private static int? AttachmentNumber(string name) =>
        name.StartsWith("attachment", StringComparison.OrdinalIgnoreCase)
        && int.TryParse(name.AsSpan("attachment".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
        && n > 0
            ? n
            : null;

    private static async Task<byte[]?> ReadLimitedAsync(Stream section, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await section.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null; // the reader skips the rest of the section on the next ReadNextSectionAsync
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static void AddOnce(List<MailParseError> errors, MailParseError error)
    {
        if (!errors.Contains(error))
        {
            errors.Add(error);
        }
    }

    private sealed record FilePart(byte[] Content, string? FileName, string? ContentType);
}
