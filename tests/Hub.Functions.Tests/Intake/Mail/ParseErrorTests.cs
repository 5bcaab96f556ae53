using System.Text;
using Hub.Functions.Intake.Mail;

namespace Hub.Functions.Tests.Intake.Mail;

/// <summary>Every refusal names the field and the rule; none throws.</summary>
public sealed class ParseErrorTests
{
    private static readonly FormPart From = FormPart.Text("from", "a@example.org");
    private static readonly FormPart To = FormPart.Text("to", "b@example.org");

    [Fact]
    public async Task ParseAsync_NoFrom_RequiredError()
    {
        MailParseResult result = await FormBody.ParseAsync(To);

        Assert.Null(result.Mail);
        Assert.Equal([new MailParseError("from", "required")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_UnparsableFrom_AddressError()
    {
        MailParseResult result = await FormBody.ParseAsync(FormPart.Text("from", "Mail Delivery System"), To);

        Assert.Equal([new MailParseError("from", "address")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_NoToAndNoEnvelope_RequiredError()
    {
        MailParseResult result = await FormBody.ParseAsync(From, FormPart.Text("to", "undisclosed-recipients:;"));

        Assert.Equal([new MailParseError("to", "required")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_AttachmentInfoNamesAbsentPart_PartMissingError()
    {
        MailParseResult result = await FormBody.ParseAsync(
            From,
            To,
            FormPart.Text("attachments", "1"),
            FormPart.Text("attachment-info", """{"attachment1":{"filename":"a.txt","type":"text/plain"},"attachment2":{"filename":"b.txt","type":"text/plain"}}"""),
            new FormPart("attachment1", [0x61], "a.txt", "text/plain"));

        Assert.Equal([new MailParseError("attachment-info.attachment2", "part-missing")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_AttachmentCountDisagreesWithParts_CountMismatchError()
    {
        MailParseResult result = await FormBody.ParseAsync(
            From, To, FormPart.Text("attachments", "2"), new FormPart("attachment1", [0x61], "a.txt", "text/plain"));

        Assert.Equal([new MailParseError("attachments", "count-mismatch")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_AttachmentCountNotANumber_IntegerError()
    {
        MailParseResult result = await FormBody.ParseAsync(From, To, FormPart.Text("attachments", "two"));

        Assert.Equal([new MailParseError("attachments", "integer")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_MoreThanHundredAttachments_MaxCountError()
    {
        var parts = new List<FormPart> { From, To, FormPart.Text("attachments", "101") };
        for (int i = 1; i <= 101; i++)
        {
            parts.Add(new FormPart($"attachment{i}", [0x61], $"f{i}.txt", "text/plain"));
        }

        MailParseResult result = await FormBody.ParseAsync([.. parts]);

        Assert.Equal([new MailParseError("attachments", "max-count")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_FieldOverTenMegabytes_MaxSizeError()
    {
        byte[] text = new byte[(10 * 1024 * 1024) + 1];
        Array.Fill(text, (byte)'x');

        MailParseResult result = await FormBody.ParseAsync(From, To, new FormPart("text", text));

        Assert.Equal([new MailParseError("text", "max-size")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_FieldOfExactlyTenMegabytes_Accepted()
    {
        byte[] text = new byte[10 * 1024 * 1024];
        Array.Fill(text, (byte)'x');

        MailParseResult result = await FormBody.ParseAsync(From, To, new FormPart("text", text));

        Assert.True(result.IsOk);
        Assert.Equal(10 * 1024 * 1024, result.Mail!.Text!.Length);
    }

    [Theory]
    [InlineData("envelope", "{\"to\": [\"b@example.org\"")]
    [InlineData("envelope", "[\"b@example.org\"]")]
    [InlineData("charsets", "subject=utf-8")]
    [InlineData("attachment-info", "{attachment1}")]
    public async Task ParseAsync_InvalidJsonField_JsonError(string field, string value)
    {
        MailParseResult result = await FormBody.ParseAsync(From, To, FormPart.Text(field, value));

        Assert.Equal([new MailParseError(field, "json")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_EnvelopeToNotStrings_TypeError()
    {
        MailParseResult result = await FormBody.ParseAsync(From, To, FormPart.Text("envelope", """{"to": [1, 2]}"""));

        Assert.Equal([new MailParseError("envelope.to", "type")], result.Errors);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("not a media type")]
    [InlineData("")]
    public async Task ParseAsync_UnsupportedContentType_ContentTypeError(string contentType)
    {
        MailParseResult result = await FormBody.ParseAsync(FormBody.Build(From, To), contentType);

        Assert.Equal([new MailParseError("content-type", "unsupported")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_MultipartWithoutBoundary_BoundaryError()
    {
        MailParseResult result = await FormBody.ParseAsync(FormBody.Build(From, To), "multipart/form-data");

        Assert.Equal([new MailParseError("content-type", "boundary")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_TruncatedMultipart_MultipartError()
    {
        byte[] body = Encoding.ASCII.GetBytes("--xYzZY\r\nContent-Disposition: form-data; name=\"from\"\r\n\r\na@example.org\r\n--xYzZY\r\nContent-Disposition: form-da");

        MailParseResult result = await FormBody.ParseAsync(body);

        Assert.Equal([new MailParseError("body", "multipart")], result.Errors);
    }

    [Fact]
    public async Task ParseAsync_SeveralProblems_AllReported()
    {
        MailParseResult result = await FormBody.ParseAsync(FormPart.Text("envelope", "nope"), FormPart.Text("attachments", "1"));

        Assert.Equal(
            [
                new MailParseError("envelope", "json"),
                new MailParseError("attachments", "count-mismatch"),
                new MailParseError("from", "required"),
                new MailParseError("to", "required"),
            ],
            result.Errors);
    }
}
