using Hub.Storage.Durable;

namespace Hub.Storage.Tests.Durable;

public sealed class TableKeyTests
{
    [Theory]
    [InlineData("plain-id_42", "plain-id_42")]
    [InlineData("a/b", "a~2Fb")]
    [InlineData("a\\b#c?d", "a~5Cb~23c~3Fd")]
    [InlineData("tab\there", "tab~09here")]
    [InlineData("~already~", "~7Ealready~7E")]
    [InlineData("del\u007f", "del~7F")]
    public void Escape_ForbiddenCharacters_BecomeTildeHex(string raw, string escaped)
    {
        Assert.Equal(escaped, TableKey.Escape(raw));
        Assert.Equal(raw, TableKey.Unescape(escaped));
    }

    [Fact]
    public void Escape_EveryCharacterBelow256_RoundTrips()
    {
        string all = new(Enumerable.Range(0, 256).Select(i => (char)i).ToArray());

        string escaped = TableKey.Escape(all);

        Assert.DoesNotContain(escaped, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.Equal(all, TableKey.Unescape(escaped));
    }

    [Theory]
    [InlineData("~")]
    [InlineData("~4")]
    [InlineData("x~ZZ")]
    public void Unescape_Malformed_Throws(string text)
    {
        Assert.Throws<FormatException>(() => TableKey.Unescape(text));
    }
}
