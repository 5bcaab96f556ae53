using Hub.Domain.Intake.Mail;

namespace Hub.Domain.Tests.Intake.Mail;

public sealed class MailThreadingTests
{
    [Theory]
    [InlineData("[hub #123] Printer on fire", 123L)]
    [InlineData("Re: AW: [HUB #7] Portail indisponible", 7L)]
    [InlineData("Fwd: status [Hub #0042]", 42L)]
    [InlineData("Re: [ hub # 5 ] spaced", 5L)]
    [InlineData("[hub #8] and [hub #9]", 8L)]
    [InlineData("[hub #99999999999999999999] overflow then [hub #3]", 3L)]
    public void TicketTag_TaggedSubject_ReturnsTheNumber(string subject, long expected)
    {
        long? number = MailThreading.TicketTag(subject);

        Assert.Equal(expected, number);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Printer on fire")]
    [InlineData("hub #123 without brackets")]
    [InlineData("[hub #] no number")]
    [InlineData("[rt #123] another system")]
    [InlineData("[hub #99999999999999999999]")]
    public void TicketTag_UntaggedSubject_ReturnsNull(string subject)
    {
        long? number = MailThreading.TicketTag(subject);

        Assert.Null(number);
    }

    [Theory]
    [InlineData(123L, "Printer on fire", "[hub #123] Printer on fire")]
    [InlineData(123L, "  padded  ", "[hub #123] padded")]
    [InlineData(123L, "", "[hub #123]")]
    [InlineData(123L, "Re: [hub #123] Printer on fire", "Re: [hub #123] Printer on fire")]
    [InlineData(123L, "Re: [HUB #123] shouting", "Re: [HUB #123] shouting")]
    [InlineData(124L, "Re: [hub #123] merged", "[hub #124] Re: [hub #123] merged")]
    public void Tag_Subject_TaggedOnce(long number, string subject, string expected)
    {
        string tagged = MailThreading.Tag(number, subject);

        Assert.Equal(expected, tagged);
    }

    [Fact]
    public void Tag_ThenTicketTag_RoundTrips()
    {
        string tagged = MailThreading.Tag(31337, "Re: disk full");

        Assert.Equal(31337L, MailThreading.TicketTag(tagged));
    }

    [Fact]
    public void LoopHeader_IsXHubLoop()
    {
        Assert.Equal("X-Hub-Loop", MailThreading.LoopHeader);
    }
}
