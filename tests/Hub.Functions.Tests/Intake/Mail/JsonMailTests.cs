using System.Text;
using Hub.Domain.Intake.Mail;
using Hub.Functions.Intake.Mail;

namespace Hub.Functions.Tests.Intake.Mail;

/// <summary>The hub's own JSON mail format (docs/mail.md).</summary>
public sealed class JsonMailTests
{
    private static Task<MailParseResult> ParseAsync(string json) =>
        InboundMailParser.ParseAsync("application/json; charset=utf-8", new MemoryStream(Encoding.UTF8.GetBytes(json)), CancellationToken.None);

    [Fact]
    public async Task ParseAsync_FullDocument_ReadsEveryField()
    {
        string json = """
            {
              "from": "Élodie Martin <Elodie@Client.example.fr>",
              "to": ["isda-support@example.org", "\"Support, Tier 2\" <tier2@example.org>"],
              "cc": "boss@client.example.fr",
              "subject": "Re: [hub #42] Portail indisponible",
              "text": "Toujours en panne.",
              "html": "<p>Toujours en panne.</p>",
              "headers": { "Date": "Mon, 3 Mar 2025 09:00:00 +0100", "Received": ["from a", "from b"], "X-Hub-Loop": "hub-test" },
              "envelope": { "to": ["isda-support@example.org"], "from": "elodie@client.example.fr" },
              "messageId": "<m3@client.example.fr>",
              "inReplyTo": "<hub-42-2@hub.example.org>",
              "references": ["<m1@client.example.fr>", "<hub-42-2@hub.example.org>"],
              "attachments": [
                { "filename": "capture.png", "contentType": "image/png", "contentBase64": "iVBORw0KGgo=", "contentId": "<cap1>" },
                { "filename": "notes.txt", "contentBase64": "AAECAw==" }
              ],
              "someFutureField": { "ignored": true }
            }
            """;

        MailParseResult result = await ParseAsync(json);

        Assert.Empty(result.Errors);
        InboundMail mail = result.Mail!;
        Assert.Equal(new MailAddress("elodie@client.example.fr", "Élodie Martin"), mail.From);
        Assert.Equal([new MailAddress("isda-support@example.org", null), new MailAddress("tier2@example.org", "Support, Tier 2")], mail.To);
        Assert.Equal([new MailAddress("boss@client.example.fr", null)], mail.Cc);
        Assert.Equal(["isda-support@example.org"], mail.EnvelopeTo);
        Assert.Equal("Re: [hub #42] Portail indisponible", mail.Subject);
        Assert.Equal("Toujours en panne.", mail.Text);
        Assert.Equal("<p>Toujours en panne.</p>", mail.Html);
        Assert.Equal("from a\nfrom b", mail.Headers["received"]);
        Assert.Equal("m3@client.example.fr", mail.MessageId);
        Assert.Equal("hub-42-2@hub.example.org", mail.InReplyTo);
        Assert.Equal(["m1@client.example.fr", "hub-42-2@hub.example.org"], mail.References);
        Assert.True(mail.FromHub);
        Assert.True(mail.AutoSubmitted);
        Assert.Equal(2, mail.Attachments.Count);
        Assert.Equal(("capture.png", "image/png", "cap1"), (mail.Attachments[0].FileName, mail.Attachments[0].ContentType, mail.Attachments[0].ContentId));
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], mail.Attachments[0].Content);
        Assert.Equal(("notes.txt", "application/octet-stream", (string?)null), (mail.Attachments[1].FileName, mail.Attachments[1].ContentType, mail.Attachments[1].ContentId));
        Assert.Equal([0x00, 0x01, 0x02, 0x03], mail.Attachments[1].Content);
    }

    [Fact]
    public async Task ParseAsync_HeaderObjectWithEncodedWords_Decoded()
    {
        MailParseResult result = await ParseAsync("""{"from": "a@example.org", "to": "b@example.org", "headers": {"X-Note": "=?utf-8?q?caf=C3=A9?= ouvert", "Subject": "=?utf-8?q?Re=3A_panne?="}}""");

        Assert.Equal("café ouvert", result.Mail!.Headers["x-note"]);
        Assert.Equal("Re: panne", result.Mail.Subject);
    }

    [Fact]
    public async Task ParseAsync_RawHeaderString_ThreadingFromHeaders()
    {
        string json = """
            {
              "from": "a@example.org",
              "to": "b@example.org",
              "headers": "Message-ID: <x1@example.org>\r\nIn-Reply-To: <hub-7@hub>\r\nReferences: <r1@example.org>\r\n <hub-7@hub>\r\nPrecedence: bulk\r\n"
            }
            """;

        MailParseResult result = await ParseAsync(json);

        Assert.Equal("x1@example.org", result.Mail!.MessageId);
        Assert.Equal("hub-7@hub", result.Mail.InReplyTo);
        Assert.Equal(["r1@example.org", "hub-7@hub"], result.Mail.References);
        Assert.True(result.Mail.AutoSubmitted);
        Assert.Equal(string.Empty, result.Mail.Subject);
    }

    [Theory]
    [InlineData("{\"from\": ", "body", "json")]
    [InlineData("[1, 2]", "body", "object")]
    [InlineData("{\"from\": 7, \"to\": \"b@example.org\"}", "from", "type")]
    [InlineData("{\"from\": \"a@example.org\", \"to\": {\"address\": \"b@example.org\"}}", "to", "type")]
    [InlineData("{\"from\": \"a@example.org\", \"to\": \"b@example.org\", \"headers\": 3}", "headers", "type")]
    [InlineData("{\"from\": \"a@example.org\", \"to\": \"b@example.org\", \"headers\": {\"X Note\": \"x\"}}", "headers.X Note", "name")]
    [InlineData("{\"from\": \"a@example.org\", \"to\": \"b@example.org\", \"envelope\": \"b@example.org\"}", "envelope", "type")]
    [InlineData("{\"from\": \"a@example.org\", \"to\": \"b@example.org\", \"references\": {}}", "references", "type")]
    [InlineData("{\"from\": \"a@example.org\", \"to\": \"b@example.org\", \"attachments\": {}}", "attachments", "type")]
    [InlineData("{\"from\": \"a@example.org\", \"to\": \"b@example.org\", \"attachments\": [{\"filename\": \"a.txt\", \"contentBase64\": \"not base64!\"}]}", "attachments[0].contentBase64", "base64")]
    [InlineData("{\"from\": \"a@example.org\", \"to\": \"b@example.org\", \"attachments\": [{\"filename\": \"a.txt\"}]}", "attachments[0].contentBase64", "required")]
    [InlineData("{\"from\": \"a@example.org\", \"to\": \"b@example.org\", \"attachments\": [{\"contentBase64\": \"AA==\"}]}", "attachments[0].filename", "required")]
    [InlineData("{\"to\": \"b@example.org\"}", "from", "required")]
    [InlineData("{\"from\": \"nobody\", \"to\": \"b@example.org\"}", "from", "address")]
    [InlineData("{\"from\": \"a@example.org\", \"to\": []}", "to", "required")]
    public async Task ParseAsync_InvalidDocument_NamesFieldAndRule(string json, string field, string rule)
    {
        MailParseResult result = await ParseAsync(json);

        Assert.Null(result.Mail);
        Assert.Equal([new MailParseError(field, rule)], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_MoreThanHundredAttachments_MaxCountError()
    {
        string attachments = string.Join(", ", Enumerable.Repeat("{\"filename\": \"a.txt\", \"contentBase64\": \"YQ==\"}", 101));

        MailParseResult result = await ParseAsync($"{{\"from\": \"a@example.org\", \"to\": \"b@example.org\", \"attachments\": [{attachments}]}}");

        Assert.Equal([new MailParseError("attachments", "max-count")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_PropertyNamesInOtherCase_Accepted()
    {
        MailParseResult result = await ParseAsync("""{"From": "a@example.org", "TO": "b@example.org", "Subject": "Hi", "MessageID": "<m@x>"}""");

        Assert.Equal("Hi", result.Mail!.Subject);
        Assert.Equal("m@x", result.Mail.MessageId);
    }
}
