using Hub.Domain.Tickets;

namespace Hub.Domain.Tests.Tickets;

public sealed class AttachmentNameTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\x\\Q3 figures.xlsx", "Q3 figures.xlsx")]
    [InlineData("/var/log/", "attachment")]
    [InlineData("..", "attachment")]
    [InlineData(".htaccess", "htaccess")]
    [InlineData("  spaced name.txt  ", "spaced name.txt")]
    [InlineData("line\r\nbreak\u0000.txt", "linebreak.txt")]
    [InlineData("", "attachment")]
    [InlineData(null, "attachment")]
    [InlineData("résumé 2026.pdf", "résumé 2026.pdf")]
    public void SafeFileName_AnyName_IsABareNameWithoutControlCharacters(string? name, string expected)
    {
        Assert.Equal(expected, AttachmentRef.SafeFileName(name));
    }

    [Fact]
    public void SafeFileName_LongerThanTheLimit_CutKeepingTheExtension()
    {
        string safe = AttachmentRef.SafeFileName(new string('a', 400) + ".pdf");

        Assert.Equal(AttachmentRef.MaxFileNameLength, safe.Length);
        Assert.EndsWith("a.pdf", safe, StringComparison.Ordinal);
    }
}
