using System.Text;
using Hub.Functions.Intake.Mail;

namespace Hub.Functions.Tests.Intake.Mail;

/// <summary>One multipart/form-data part, as raw bytes.</summary>
internal sealed record FormPart(string Name, byte[] Content, string? FileName = null, string? ContentType = null)
{
    public static FormPart Text(string name, string value) => new(name, Encoding.UTF8.GetBytes(value));
}

/// <summary>Writes multipart/form-data bodies byte by byte (RFC 7578), the way SendGrid posts them.</summary>
internal static class FormBody
{
    public const string ContentType = "multipart/form-data; boundary=xYzZY";

    public static byte[] Build(params FormPart[] parts)
    {
        using var body = new MemoryStream();
        foreach (FormPart part in parts)
        {
            string head = $"--xYzZY\r\nContent-Disposition: form-data; name=\"{part.Name}\""
                + (part.FileName is null ? string.Empty : $"; filename=\"{part.FileName}\"")
                + "\r\n"
                + (part.ContentType is null ? string.Empty : $"Content-Type: {part.ContentType}\r\n")
                + "\r\n";
            body.Write(Encoding.ASCII.GetBytes(head));
            body.Write(part.Content);
            body.Write("\r\n"u8);
        }

        body.Write("--xYzZY--\r\n"u8);
        return body.ToArray();
    }

    public static Task<MailParseResult> ParseAsync(byte[] body, string contentType = ContentType) =>
        InboundMailParser.ParseAsync(contentType, new MemoryStream(body), CancellationToken.None);

    public static Task<MailParseResult> ParseAsync(params FormPart[] parts) => ParseAsync(Build(parts));
}
