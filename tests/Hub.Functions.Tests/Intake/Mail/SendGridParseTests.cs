using System.Text;
using Hub.Domain.Intake.Mail;
using Hub.Functions.Intake.Mail;

namespace Hub.Functions.Tests.Intake.Mail;

/// <summary>SendGrid Inbound Parse (default, not raw) bodies.</summary>
public sealed class SendGridParseTests
{
    // The default payload as SendGrid documents it: every field a form part, headers the raw header block.
    private const string DocumentedExample = """
        --xYzZY
        Content-Disposition: form-data; name="headers"

        Received: by mx0047p1mdw1.sendgrid.net with SMTP id 6WCVv7KAWn Wed, 27 Jul 2016 20:53:06 +0000 (UTC)
        Received: from mail-io0-f169.google.com (mail-io0-f169.google.com [209.85.223.169]) by mx0047p1mdw1.sendgrid.net (Postfix) with ESMTPS id AA9FFA817F2 for <example@example.comom>; Wed, 27 Jul 2016 20:53:06 +0000 (UTC)
        Received: by mail-io0-f169.google.com with SMTP id b62so81593819ioa.3 for <example@example.comom>; Wed, 27 Jul 2016 13:53:06 -0700 (PDT)
        MIME-Version: 1.0
        From: Example User <test@example.com>
        Date: Wed, 27 Jul 2016 14:53:05 -0600
        Message-ID: <CAN_P_JMvV7ZpAQhOnDienypLrJmuhN=LQWweu4yScw4jQyXY2w@mail.gmail.com>
        Subject: Testing non-raw
        To: inbound@inbound.example.com
        Content-Type: multipart/alternative; boundary=001a113df448cad2d00538a47bfc

        --xYzZY
        Content-Disposition: form-data; name="dkim"

        {@sendgrid.com : pass}
        --xYzZY
        Content-Disposition: form-data; name="to"

        inbound@inbound.example.com
        --xYzZY
        Content-Disposition: form-data; name="html"

        <html><body><strong>Hello SendGrid!</strong></body></html>
        --xYzZY
        Content-Disposition: form-data; name="from"

        Example User <test@example.com>
        --xYzZY
        Content-Disposition: form-data; name="text"

        Hello SendGrid!
        --xYzZY
        Content-Disposition: form-data; name="sender_ip"

        209.85.223.169
        --xYzZY
        Content-Disposition: form-data; name="envelope"

        {"to":["inbound@inbound.example.com"],"from":"test@example.com"}
        --xYzZY
        Content-Disposition: form-data; name="attachments"

        0
        --xYzZY
        Content-Disposition: form-data; name="subject"

        Testing non-raw
        --xYzZY
        Content-Disposition: form-data; name="charsets"

        {"to":"UTF-8","html":"UTF-8","subject":"UTF-8","from":"UTF-8","text":"UTF-8"}
        --xYzZY
        Content-Disposition: form-data; name="SPF"

        pass
        --xYzZY
        Content-Disposition: form-data; name="spam_score"

        0.011
        --xYzZY--

        """;

    [Fact]
    public async Task ParseAsync_DocumentedExample_ReadsEveryField()
    {
        byte[] body = Encoding.ASCII.GetBytes(DocumentedExample.ReplaceLineEndings("\r\n"));

        MailParseResult result = await FormBody.ParseAsync(body);

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        InboundMail mail = result.Mail!;
        Assert.Equal(new MailAddress("test@example.com", "Example User"), mail.From);
        Assert.Equal([new MailAddress("inbound@inbound.example.com", null)], mail.To);
        Assert.Empty(mail.Cc);
        Assert.Equal(["inbound@inbound.example.com"], mail.EnvelopeTo);
        Assert.Equal("Testing non-raw", mail.Subject);
        Assert.Equal("Hello SendGrid!", mail.Text);
        Assert.Equal("<html><body><strong>Hello SendGrid!</strong></body></html>", mail.Html);
        Assert.Equal("CAN_P_JMvV7ZpAQhOnDienypLrJmuhN=LQWweu4yScw4jQyXY2w@mail.gmail.com", mail.MessageId);
        Assert.Null(mail.InReplyTo);
        Assert.Empty(mail.References);
        Assert.Empty(mail.Attachments);
        Assert.False(mail.AutoSubmitted);
        Assert.False(mail.FromHub);
        Assert.Equal("Wed, 27 Jul 2016 14:53:05 -0600", mail.Headers["date"]);
        Assert.Equal("1.0", mail.Headers["MIME-VERSION"]);
    }

    [Fact]
    public async Task ParseAsync_RepeatedAndFoldedHeaders_JoinedByNewlineAndUnfolded()
    {
        string headers = "Received: from a by b\r\nReceived: from c\r\n\tby d\r\nX-Note: first line\r\n  second line\r\n";

        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "a@example.org"), FormPart.Text("to", "b@example.org"), FormPart.Text("headers", headers));

        Assert.Equal("from a by b\nfrom c\tby d", result.Mail!.Headers["received"]);
        Assert.Equal("first line  second line", result.Mail.Headers["X-Note"]);
    }

    [Fact]
    public async Task ParseAsync_Latin1SubjectAndWindows1252TextWithCharsetsLast_DecodesBoth()
    {
        // "Café ouvert" in iso-8859-1; "Prix : 5 €, café" in windows-1252 (€ is 0x80 there, é 0xE9 in both).
        byte[] subject = [0x43, 0x61, 0x66, 0xE9, 0x20, 0x6F, 0x75, 0x76, 0x65, 0x72, 0x74];
        byte[] text = [0x50, 0x72, 0x69, 0x78, 0x20, 0x3A, 0x20, 0x35, 0x20, 0x80, 0x2C, 0x20, 0x63, 0x61, 0x66, 0xE9];

        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "client@example.fr"),
            FormPart.Text("to", "isda-support@example.org"),
            new FormPart("subject", subject),
            new FormPart("text", text),
            FormPart.Text("charsets", """{"to":"UTF-8","from":"UTF-8","subject":"iso-8859-1","text":"windows-1252"}"""));

        Assert.Empty(result.Errors);
        Assert.Equal("Café ouvert", result.Mail!.Subject);
        Assert.Equal("Prix : 5 €, café", result.Mail.Text);
    }

    [Fact]
    public async Task ParseAsync_UnknownCharset_DecodesAsUtf8AndWarns()
    {
        byte[] text = [0x63, 0x61, 0x66, 0xC3, 0xA9, 0x20, 0xFF];

        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "a@example.org"),
            FormPart.Text("to", "b@example.org"),
            new FormPart("text", text),
            FormPart.Text("charsets", """{"text":"x-unheard-of-8"}"""));

        Assert.True(result.IsOk);
        Assert.Equal("café \uFFFD", result.Mail!.Text);
        Assert.Equal([new MailParseError("text", "charset-unknown")], result.Warnings);
    }

    [Fact]
    public async Task ParseAsync_Rfc2047SubjectAndDisplayNames_Decoded()
    {
        // The examples of RFC 2047 section 8.
        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>"),
            FormPart.Text("to", "=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"),
            FormPart.Text("cc", "=?ISO-8859-1?Q?Olle_J=E4rnefors?= <ojarnef@admin.kth.se>"),
            FormPart.Text("subject", "=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="));

        InboundMail mail = result.Mail!;
        Assert.Equal(new MailAddress("pirard@vm1.ulg.ac.be", "André Pirard"), mail.From);
        Assert.Equal([new MailAddress("moore@cs.utk.edu", "Keith Moore")], mail.To);
        Assert.Equal([new MailAddress("ojarnef@admin.kth.se", "Olle Järnefors")], mail.Cc);
        Assert.Equal("If you can read this you understand the example.", mail.Subject);
    }

    [Fact]
    public async Task ParseAsync_Utf8CharacterSplitAcrossEncodedWords_Joined()
    {
        // "€" is E2 82 AC; the sender cut it after the first byte.
        string subject = "Price =?UTF-8?Q?=E2?= =?UTF-8?Q?=82=AC5?= each";

        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "a@example.org"), FormPart.Text("to", "b@example.org"), FormPart.Text("subject", subject));

        Assert.Equal("Price €5 each", result.Mail!.Subject);
    }

    [Fact]
    public async Task ParseAsync_AddressListWithQuotesGroupsAndComments_Flattened()
    {
        string to = "\"Doe, John\" <John.Doe@Example.COM>, undisclosed-recipients:;, Ops Team: ops1@example.org, (Bob) bob@example.org;, carol@example.org (Carol), <@relay.example.net:dan@example.org>";

        MailParseResult result = await FormBody.ParseAsync(FormPart.Text("from", "\"O'Brien, Pat\" (sales) <pat@example.org>"), FormPart.Text("to", to));

        Assert.Equal(new MailAddress("pat@example.org", "O'Brien, Pat"), result.Mail!.From);
        Assert.Equal(
            [
                new MailAddress("john.doe@example.com", "Doe, John"),
                new MailAddress("ops1@example.org", null),
                // A comment before the address is only a comment; one after a bare address names it.
                new MailAddress("bob@example.org", null),
                new MailAddress("carol@example.org", "Carol"),
                new MailAddress("dan@example.org", null),
            ],
            result.Mail.To);
    }

    [Fact]
    public async Task ParseAsync_CcWithAnEntryThatIsNoAddress_DropsOnlyThatEntry()
    {
        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "a@example.org"), FormPart.Text("to", "b@example.org"), FormPart.Text("cc", "c@example.org, nobody, <, d@example.org"));

        Assert.Equal([new MailAddress("c@example.org", null), new MailAddress("d@example.org", null)], result.Mail!.Cc);
    }

    [Fact]
    public async Task ParseAsync_TenAttachmentsWithInfo_ContentsByteForByte()
    {
        var parts = new List<FormPart>
        {
            FormPart.Text("from", "a@example.org"),
            FormPart.Text("to", "b@example.org"),
            FormPart.Text("attachments", "10"),
            FormPart.Text("attachment-info", """
                {"attachment1":{"filename":"report-1.pdf","name":"report-1.pdf","type":"application/pdf"},
                 "attachment2":{"filename":"=?UTF-8?Q?r=C3=A9sum=C3=A9.txt?=","type":"text/plain"},
                 "attachment3":{"filename":"logo.png","type":"image/png","content-id":"<logo@hub>"},
                 "attachment4":{"filename":"f4.bin","type":"application/octet-stream"},
                 "attachment5":{"filename":"f5.bin","type":"application/octet-stream"},
                 "attachment6":{"filename":"f6.bin","type":"application/octet-stream"},
                 "attachment7":{"filename":"f7.bin","type":"application/octet-stream"},
                 "attachment8":{"filename":"f8.bin","type":"application/octet-stream"},
                 "attachment9":{"filename":"f9.bin","type":"application/octet-stream"},
                 "attachment10":{"filename":"f10.bin","type":"application/octet-stream"}}
                """),
        };
        for (int i = 1; i <= 10; i++)
        {
            // CR LF and "--" inside the content: a reader that splits on them would corrupt it.
            parts.Add(new FormPart($"attachment{i}", [0x00, 0x0D, 0x0A, 0x2D, 0x2D, (byte)i, 0xFF], $"part{i}", "application/x-ignored"));
        }

        MailParseResult result = await FormBody.ParseAsync([.. parts]);

        Assert.Empty(result.Errors);
        IReadOnlyList<MailAttachment> attachments = result.Mail!.Attachments;
        Assert.Equal(10, attachments.Count);
        Assert.Equal("report-1.pdf", attachments[0].FileName);
        Assert.Equal("application/pdf", attachments[0].ContentType);
        Assert.Null(attachments[0].ContentId);
        Assert.Equal("résumé.txt", attachments[1].FileName);
        Assert.Equal("logo@hub", attachments[2].ContentId);
        Assert.Equal("f10.bin", attachments[9].FileName);
        Assert.Equal([0x00, 0x0D, 0x0A, 0x2D, 0x2D, 0x01, 0xFF], attachments[0].Content);
        Assert.Equal([0x00, 0x0D, 0x0A, 0x2D, 0x2D, 0x05, 0xFF], attachments[4].Content);
        Assert.Equal([0x00, 0x0D, 0x0A, 0x2D, 0x2D, 0x0A, 0xFF], attachments[9].Content);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(new byte[] { 0x00, 0x0D, 0x0A, 0x2D, 0x2D, (byte)(i + 1), 0xFF }, attachments[i].Content);
        }
    }

    [Fact]
    public async Task ParseAsync_AttachmentWithoutInfo_UsesThePartsFileNameAndType()
    {
        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "a@example.org"),
            FormPart.Text("to", "b@example.org"),
            FormPart.Text("attachments", "1"),
            new FormPart("attachment1", [0x25, 0x50, 0x44, 0x46], "scan.pdf", "application/pdf"));

        Assert.Equal([("scan.pdf", "application/pdf")], result.Mail!.Attachments.Select(a => (a.FileName, a.ContentType)));
        Assert.Equal([0x25, 0x50, 0x44, 0x46], result.Mail.Attachments[0].Content);
    }

    [Fact]
    public async Task ParseAsync_NoSubject_EmptyString()
    {
        MailParseResult result = await FormBody.ParseAsync(FormPart.Text("from", "a@example.org"), FormPart.Text("to", "b@example.org"));

        Assert.Equal(string.Empty, result.Mail!.Subject);
        Assert.Null(result.Mail.Text);
        Assert.Null(result.Mail.Html);
    }

    [Fact]
    public async Task ParseAsync_InReplyToAndFoldedReferences_BracketsStripped()
    {
        string headers = "Message-ID: <reply-3@client.example>\r\n"
            + "In-Reply-To: <hub-42-2@hub.example.org> (Hub's message of Monday)\r\n"
            + "References: <first@client.example>\r\n <hub-42-1@hub.example.org>\r\n\t<hub-42-2@hub.example.org>\r\n";

        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "a@example.org"), FormPart.Text("to", "b@example.org"), FormPart.Text("headers", headers));

        Assert.Equal("reply-3@client.example", result.Mail!.MessageId);
        Assert.Equal("hub-42-2@hub.example.org", result.Mail.InReplyTo);
        Assert.Equal(["first@client.example", "hub-42-1@hub.example.org", "hub-42-2@hub.example.org"], result.Mail.References);
    }

    [Fact]
    public async Task ParseAsync_OnlyHeaderBlock_FallsBackToItsFromToAndSubject()
    {
        string headers = "From: =?UTF-8?B?w4lsb2TDrWU=?= <elodie@example.fr>\r\nTo: isda-support@example.org\r\nSubject: =?utf-8?q?Re=3A_=5Bhub_=2342=5D_panne?=\r\n";

        MailParseResult result = await FormBody.ParseAsync(FormPart.Text("headers", headers));

        Assert.Equal(new MailAddress("elodie@example.fr", "Élodíe"), result.Mail!.From);
        Assert.Equal([new MailAddress("isda-support@example.org", null)], result.Mail.To);
        Assert.Equal("Re: [hub #42] panne", result.Mail.Subject);
        Assert.Equal("Re: [hub #42] panne", result.Mail.Headers["subject"]);
    }

    [Fact]
    public async Task ParseAsync_HeaderBlockWithAnMboxLineAndAStrayLine_KeepsTheHeaders()
    {
        string headers = "From sender@example.org Mon Mar  3 09:00:00 2025\r\nDate: Mon, 3 Mar 2025 09:00:00 +0100\r\nnot a header\r\nX-Note: kept\r\n";

        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "a@example.org"), FormPart.Text("to", "b@example.org"), FormPart.Text("headers", headers));

        Assert.Equal(["Date", "X-Note"], result.Mail!.Headers.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task ParseAsync_HeaderBlockNotStartingWithAHeader_AcceptedWithoutHeadersAndWarned()
    {
        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "a@example.org"), FormPart.Text("to", "b@example.org"), FormPart.Text("headers", "garbage\r\nX-Note: lost\r\n"));

        Assert.True(result.IsOk);
        Assert.Empty(result.Mail!.Headers);
        Assert.Equal([new MailParseError("headers", "unreadable")], result.Warnings);
    }

    [Fact]
    public async Task ParseAsync_UnknownExtraFields_Ignored()
    {
        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "a@example.org"),
            FormPart.Text("to", "b@example.org"),
            FormPart.Text("spam_report", "Spam detection software..."),
            FormPart.Text("x-future-field", "{not json"),
            FormPart.Text("content-ids", """{"logo@hub":"attachment1"}"""));

        Assert.True(result.IsOk);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task ParseAsync_EnvelopeOnlyRecipient_AcceptedWithEmptyTo()
    {
        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "a@example.org"),
            FormPart.Text("envelope", """{"to":["Map-Support@Example.org"],"from":"a@example.org"}"""));

        Assert.Empty(result.Mail!.To);
        Assert.Equal(["map-support@example.org"], result.Mail.EnvelopeTo);
    }
}
