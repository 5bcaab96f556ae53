using Hub.Functions.Intake.Mail;

namespace Hub.Functions.Tests.Intake.Mail;

/// <summary>The machine-sent markers, each on its own, through the SendGrid header block.</summary>
public sealed class AutoSubmittedTests
{
    [Theory]
    [InlineData("Auto-Submitted: auto-replied", true)]
    [InlineData("Auto-Submitted: auto-generated; owner-email=\"ops@example.org\"", true)]
    [InlineData("Auto-Submitted: No", false)]
    [InlineData("Precedence: bulk", true)]
    [InlineData("Precedence: list", true)]
    [InlineData("Precedence: JUNK", true)]
    [InlineData("Precedence: first-class", false)]
    [InlineData("X-Autoreply: yes", true)]
    [InlineData("X-Autorespond: Vacation", true)]
    [InlineData("X-Auto-Response-Suppress: All", true)]
    [InlineData("X-Auto-Response-Suppress: DR, OOF, AutoReply", true)]
    [InlineData("X-Auto-Response-Suppress: DR, RN, NRN", false)]
    [InlineData("List-Id: Map support <map-support.example.org>", false)]
    [InlineData("X-Mailer: Thunderbird", false)]
    public async Task ParseAsync_Marker_SetsAutoSubmitted(string header, bool expected)
    {
        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "a@example.org"), FormPart.Text("to", "b@example.org"), FormPart.Text("headers", header + "\r\n"));

        Assert.Equal(expected, result.Mail!.AutoSubmitted);
        Assert.False(result.Mail.FromHub);
    }

    [Fact]
    public async Task ParseAsync_HubLoopHeader_FromHubAndAutoSubmitted()
    {
        MailParseResult result = await FormBody.ParseAsync(
            FormPart.Text("from", "hub@example.org"), FormPart.Text("to", "map-support@example.org"), FormPart.Text("headers", "x-hub-loop: hub-prod\r\n"));

        Assert.True(result.Mail!.FromHub);
        Assert.True(result.Mail.AutoSubmitted);
    }
}
