using System.Text.Json;
using System.Text.Unicode;
using Hub.Domain.Intake.Mail;
using MimeKit;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// The hub's own JSON mail format (docs/mail.md): what a relay or a test posts when it is not SendGrid. Property
/// names match case-insensitively; unknown properties are ignored.
/// </summary>
internal static class JsonMailReader
{
    public static async Task<RawMail> ReadAsync(Stream body, CancellationToken ct)
    {
        var raw = new RawMail();
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct);
        ReadOnlyMemory<byte> bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        // The parser checks the UTF-8 of the structure but not of string contents, which GetString then throws on.
        if (!Utf8.IsValid(bytes.Span))
        {
            raw.Errors.Add(new("body", "utf-8"));
            return raw;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            raw.Errors.Add(new("body", "json"));
            return raw;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                raw.Errors.Add(new("body", "object"));
                return raw;
            }

            raw.From = String(root, "from", raw);
            raw.To = AddressText(root, "to", raw);
            raw.Cc = AddressText(root, "cc", raw);
            raw.Subject = String(root, "subject", raw);
            raw.Text = String(root, "text", raw);
            raw.Html = String(root, "html", raw);
            raw.MessageId = String(root, "messageId", raw);
            raw.InReplyTo = String(root, "inReplyTo", raw);
            ReadHeaders(root, raw);
            ReadEnvelope(root, raw);
            ReadReferences(root, raw);
            ReadAttachments(root, raw);
        }

        return raw;
    }

    /// <summary>A string or an array of strings, appended to <paramref name="into"/>; false for any other shape.</summary>
    internal static bool TryStrings(JsonElement value, List<string> into)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                into.Add(value.GetString()!);
                return true;
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String):
                into.AddRange(value.EnumerateArray().Select(v => v.GetString()!));
                return true;
            default:
                return false;
        }
    }

    private static JsonElement? Property(JsonElement obj, string name)
    {
        foreach (JsonProperty property in obj.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind != JsonValueKind.Null)
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string? String(JsonElement obj, string name, RawMail raw, string? field = null, int maxLength = MailLimits.MaxFieldBytes)
    {
        if (Property(obj, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            raw.Errors.Add(new(field ?? name, "type"));
            return null;
        }

        string text = value.GetString()!;
        if (text.Length > maxLength)
        {
            raw.Errors.Add(new(field ?? name, "max-size"));
            return null;
        }

        return text;
    }

    private static string? AddressText(JsonElement root, string name, RawMail raw)
    {
        if (Property(root, name) is not { } value)
        {
            return null;
        }

        var addresses = new List<string>();
        if (!TryStrings(value, addresses))
        {
            raw.Errors.Add(new(name, "type"));
            return null;
        }

        return string.Join(", ", addresses);
    }

    private static void ReadHeaders(JsonElement root, RawMail raw)
    {
        switch (Property(root, "headers"))
        {
            case null:
                return;
            case { ValueKind: JsonValueKind.String } block:
                raw.Headers = MimeHeaders.FromBlock(block.GetString(), "headers", raw);
                return;
            case { ValueKind: JsonValueKind.Object } headers:
                var list = new HeaderList();
                foreach (JsonProperty header in headers.EnumerateObject())
                {
                    var values = new List<string>();
                    if (!TryStrings(header.Value, values))
                    {
                        raw.Errors.Add(new($"headers.{header.Name}", "type"));
                    }
                    else if (!values.TrueForAll(v => MimeHeaders.TryAdd(list, header.Name, v)))
                    {
                        raw.Errors.Add(new($"headers.{header.Name}", "name"));
                    }
                }

                raw.Headers = list;
                return;
            default:
                raw.Errors.Add(new("headers", "type"));
                return;
        }
    }

    private static void ReadEnvelope(JsonElement root, RawMail raw)
    {
        if (Property(root, "envelope") is not { } envelope)
        {
            return;
        }

        if (envelope.ValueKind != JsonValueKind.Object)
        {
            raw.Errors.Add(new("envelope", "type"));
        }
        else if (Property(envelope, "to") is { } to && !TryStrings(to, raw.EnvelopeTo))
        {
            raw.Errors.Add(new("envelope.to", "type"));
        }
    }

    private static void ReadReferences(JsonElement root, RawMail raw)
    {
        if (Property(root, "references") is { } references)
        {
            raw.References = [];
            if (!TryStrings(references, raw.References))
            {
                raw.Errors.Add(new("references", "type"));
            }
        }
    }

    private static void ReadAttachments(JsonElement root, RawMail raw)
    {
        if (Property(root, "attachments") is not { } attachments)
        {
            return;
        }

        if (attachments.ValueKind != JsonValueKind.Array)
        {
            raw.Errors.Add(new("attachments", "type"));
            return;
        }

        if (attachments.GetArrayLength() > MailLimits.MaxAttachments)
        {
            raw.Errors.Add(new("attachments", "max-count"));
            return;
        }

        int index = 0;
        foreach (JsonElement attachment in attachments.EnumerateArray())
        {
            string at = $"attachments[{index++}]";
            if (attachment.ValueKind != JsonValueKind.Object)
            {
                raw.Errors.Add(new(at, "type"));
                continue;
            }

            string? fileName = String(attachment, "filename", raw, $"{at}.filename");
            string? contentType = String(attachment, "contentType", raw, $"{at}.contentType");
            string? contentId = String(attachment, "contentId", raw, $"{at}.contentId");
            // The limit is on the decoded content, as for a multipart part: base64 takes 4 characters per 3 bytes.
            string? base64 = String(attachment, "contentBase64", raw, $"{at}.contentBase64", (MailLimits.MaxFieldBytes + 2) / 3 * 4);
            if (string.IsNullOrEmpty(fileName))
            {
                raw.Errors.Add(new($"{at}.filename", "required"));
            }

            byte[]? content = null;
            if (base64 is null)
            {
                raw.Errors.Add(new($"{at}.contentBase64", "required"));
            }
            else
            {
                try
                {
                    content = Convert.FromBase64String(base64);
                    if (content.Length > MailLimits.MaxFieldBytes)
                    {
                        raw.Errors.Add(new($"{at}.contentBase64", "max-size"));
                        content = null;
                    }
                }
                catch (FormatException)
                {
                    raw.Errors.Add(new($"{at}.contentBase64", "base64"));
                }
            }

            if (content is not null && !string.IsNullOrEmpty(fileName))
            {
                contentId = MimeHeaders.ContentId(contentId);
                raw.Attachments.Add(new MailAttachment(
                    MimeHeaders.DecodeWords(fileName),
                    string.IsNullOrWhiteSpace(contentType) ? "application/octet-stream" : contentType,
                    content,
                    string.IsNullOrEmpty(contentId) ? null : contentId));
            }
        }
    }
}
