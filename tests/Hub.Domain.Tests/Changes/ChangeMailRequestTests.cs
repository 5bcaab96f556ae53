using Hub.Domain.Changes;

namespace Hub.Domain.Tests.Changes;

public sealed class ChangeMailRequestTests
{
    [Fact]
    public void Read_FieldLinesInAnyCase_FirstOfEachTrimmed()
    {
        ChangeMailRequest request = ChangeMailRequest.Read(
            12, "dev@partner.example", " Deployment request: portal 2.4.1 ", "Hello,\r\nSERVICE:  portal \r\nversion: 2.4.1\r\nKind: Long-Term Fix\r\nService: other\r\nsee: https://x", null);

        Assert.Equal(new ChangeMailRequest(12, "dev@partner.example", "Deployment request: portal 2.4.1", "portal", "2.4.1", "Long-Term Fix", null), request);
        Assert.Empty(request.Problems());
        Assert.Equal(ChangeKind.LongTermFix, ChangeKinds.Parse(request.Kind));
    }

    [Fact]
    public void Problems_MissingEmptyAndUnknownLines_EachNamedWithTheQueueNote()
    {
        ChangeMailRequest request = ChangeMailRequest.Read(12, "dev@partner.example", "Deploy request", "Service:\nKind: big bang\n", "Rule 'deployment-requests' matched, but ...");

        Assert.Equal(
            [
                "Service: missing (a line such as \"Service: portal\" naming a service of the catalog)",
                "Version: missing (a line such as \"Version: 2.4.1\")",
                "Kind: 'big bang' is not one of new-system, enhancement, fix, long-term-fix, emergency",
                "Rule 'deployment-requests' matched, but ...",
            ],
            request.Problems());
    }

    [Theory]
    [InlineData("new-system", ChangeKind.NewSystem)]
    [InlineData("Emergency", ChangeKind.Emergency)]
    [InlineData("long_term_fix", ChangeKind.LongTermFix)]
    [InlineData("fix", ChangeKind.Fix)]
    public void Parse_Spellings_Kind(string text, ChangeKind kind)
    {
        Assert.Equal(kind, ChangeKinds.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("hotfix")]
    public void Parse_NoKind_Null(string text)
    {
        Assert.Null(ChangeKinds.Parse(text));
    }
}
