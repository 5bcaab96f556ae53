using System.Text;
using Hub.Domain.Intake.Mail;
using Hub.Functions.Intake.Mail;

namespace Hub.Functions.Tests.Intake.Mail;

/// <summary>Whole MIME messages: SendGrid's raw mode (the email field) and an .eml posted as message/rfc822.</summary>
public sealed class RawMimeTests
{
    // A reply with a windows-1252 quoted-printable text, a base64 HTML alternative, an inline image and an attachment
    // named in RFC 2231 form.
    private const string Eml = """
        From: =?ISO-8859-1?Q?Andr=E9?= Pirard <Andre@Client.example>
        To: isda-support@example.org
        Cc: "Doe, John" <john@client.example>, nobody
        Subject: =?UTF-8?Q?Caf=C3=A9?= ouvert
        Date: Mon, 3 Mar 2025 09:00:00 +0100
        Message-ID: <m3@client.example>
        In-Reply-To: <hub-42-2@hub.example.org>
        References: <m1@client.example>
         <hub-42-2@hub.example.org>
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        --outer
        Content-Type: multipart/alternative; boundary="alt"

        --alt
        Content-Type: text/plain; charset=windows-1252
        Content-Transfer-Encoding: quoted-printable

        Prix : 5 =80, caf=E9
        --alt
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: base64

        PHA+Q2Fmw6k8L3A+
        --alt--
        --outer
        Content-Type: image/png
        Content-Disposition: inline; filename="logo.png"
        Content-ID: <logo@hub>
        Content-Transfer-Encoding: base64

        AA0KLS0B/w==
        --outer
        Content-Type: application/pdf
        Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf
        Content-Transfer-Encoding: base64

        JVBERg==
        --outer--

        """;

    private static byte[] Bytes(string eml) => Encoding.ASCII.GetBytes(eml.ReplaceLineEndings("\r\n"));

    private static Task<MailParseResult> ParseEmlAsync(byte[] eml) =>
        InboundMailParser.ParseAsync("message/rfc822", new MemoryStream(eml), CancellationToken.None);

    [Fact]
    public async Task ParseAsync_Eml_ReadsHeadersBodiesAndAttachments()
    {
        MailParseResult result = await ParseEmlAsync(Bytes(Eml));

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        InboundMail mail = result.Mail!;
        Assert.Equal(new MailAddress("andre@client.example", "André Pirard"), mail.From);
        Assert.Equal([new MailAddress("isda-support@example.org", null)], mail.To);
        Assert.Equal([new MailAddress("john@client.example", "Doe, John")], mail.Cc);
        Assert.Empty(mail.EnvelopeTo);
        Assert.Equal("Café ouvert", mail.Subject);
        Assert.Equal("Prix : 5 €, café", mail.Text);
        Assert.Equal("<p>Café</p>", mail.Html);
        Assert.Equal("m3@client.example", mail.MessageId);
        Assert.Equal("hub-42-2@hub.example.org", mail.InReplyTo);
        Assert.Equal(["m1@client.example", "hub-42-2@hub.example.org"], mail.References);
        Assert.True(mail.AutoSubmitted);
        Assert.Equal("Mon, 3 Mar 2025 09:00:00 +0100", mail.Headers["date"]);
        Assert.Equal("multipart/mixed; boundary=\"outer\"", mail.Headers["Content-Type"]);
        Assert.Equal(2, mail.Attachments.Count);
        Assert.Equal(("logo.png", "image/png", "logo@hub"), (mail.Attachments[0].FileName, mail.Attachments[0].ContentType, mail.Attachments[0].ContentId));
        Assert.Equal([0x00, 0x0D, 0x0A, 0x2D, 0x2D, 0x01, 0xFF], mail.Attachments[0].Content);
        Assert.Equal(("résumé.pdf", "application/pdf", (string?)null), (mail.Attachments[1].FileName, mail.Attachments[1].ContentType, mail.Attachments[1].ContentId));
        Assert.Equal([0x25, 0x50, 0x44, 0x46], mail.Attachments[1].Content);
    }

    [Fact]
    public async Task ParseAsync_SendGridRawMode_MessageFromEmailFieldEnvelopeAndFieldsFromTheForm()
    {
        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("to", "isda-support@example.org"),
            FormPart.Text("from", "André Pirard <andre@client.example>"),
            FormPart.Text("subject", "Café ouvert (from the form)"),
            FormPart.Text("envelope", """{"to":["Map-Support@Example.org"],"from":"andre@client.example"}"""),
            FormPart.Text("charsets", """{"to":"UTF-8","from":"UTF-8","subject":"UTF-8"}"""),
            FormPart.Text("spam_score", "0.1"),
            new FormPart("email", Bytes(Eml)));

        Assert.Empty(result.Errors);
        InboundMail mail = result.Mail!;
        Assert.Equal(new MailAddress("andre@client.example", "André Pirard"), mail.From);
        Assert.Equal("Café ouvert (from the form)", mail.Subject);
        Assert.Equal(["map-support@example.org"], mail.EnvelopeTo);
        Assert.Equal([new MailAddress("john@client.example", "Doe, John")], mail.Cc);
        Assert.Equal("Prix : 5 €, café", mail.Text);
        Assert.Equal("m3@client.example", mail.MessageId);
        Assert.Equal(["logo.png", "résumé.pdf"], mail.Attachments.Select(a => a.FileName));
    }

    [Fact]
    public async Task ParseAsync_EmlTextInUnknownCharset_DecodedAndWarned()
    {
        byte[] eml = [.. Bytes("From: a@example.org\nTo: b@example.org\nContent-Type: text/plain; charset=x-unheard-of-8\nContent-Transfer-Encoding: 8bit\n\n"), 0x63, 0x61, 0x66, 0xC3, 0xA9];

        MailParseResult result = await ParseEmlAsync(eml);

        Assert.True(result.IsOk);
        Assert.Equal("café", result.Mail!.Text);
        Assert.Equal([new MailParseError("text", "charset-unknown")], result.Warnings);
    }

    [Fact]
    public async Task ParseAsync_EmlAttachmentOverTenMegabytes_MaxSizeError()
    {
        string content = Convert.ToBase64String(new byte[(10 * 1024 * 1024) + 1], Base64FormattingOptions.InsertLineBreaks);
        string eml = "From: a@example.org\nTo: b@example.org\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n"
            + "--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=big.bin\nContent-Transfer-Encoding: base64\n\n"
            + content + "\n--b--\n";

        MailParseResult result = await ParseEmlAsync(Bytes(eml));

        Assert.Equal([new MailParseError("attachment1", "max-size")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_EmlWithMoreThanHundredAttachments_MaxCountError()
    {
        var eml = new StringBuilder("From: a@example.org\nTo: b@example.org\nContent-Type: multipart/mixed; boundary=b\n\n");
        for (int i = 1; i <= 101; i++)
        {
            eml.Append($"--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=f{i}.txt\n\nfile {i}\n");
        }

        eml.Append("--b--\n");

        MailParseResult result = await ParseEmlAsync(Bytes(eml.ToString()));

        Assert.Equal([new MailParseError("attachments", "max-count")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_EmptyEml_MimeError()
    {
        MailParseResult result = await ParseEmlAsync([]);

        Assert.Null(result.Mail);
        Assert.Equal([new MailParseError("body", "mime")], result.Errors);
    }
}
