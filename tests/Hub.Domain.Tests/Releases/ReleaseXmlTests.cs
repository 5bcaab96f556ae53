using System.Text;
using Hub.Domain.Releases;

namespace Hub.Domain.Tests.Releases;

/// <summary>release.xml against release.xsd: valid, invalid with line and column, and hostile documents.</summary>
public sealed class ReleaseXmlTests
{
    private const string Valid = """
        <?xml version="1.0" encoding="utf-8"?>
        <Release>
          <Name>Foo 2.1.0</Name>
          <Version>2.1.0</Version>
          <DistributionShortName>foo</DistributionShortName>
          <AssociatedMajorRelease>umd-4</AssociatedMajorRelease>
          <ReleaseType>NonIncremental</ReleaseType>
          <Targets><Target>sl6/x86_64</Target><Target>el7/x86_64</Target></Targets>
          <SoftwareComponents>
            <SoftwareComponent name="foo-server">
              <Package name="foo-server" version="2.1.0-1.el7" arch="x86_64" size="1024" sha256="9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08" path="el7/x86_64/foo-server-2.1.0-1.el7.x86_64.rpm"/>
            </SoftwareComponent>
          </SoftwareComponents>
        </Release>
        """;

    [Fact]
    public void Parse_Valid_ReturnsTheMetadata()
    {
        (ReleaseMetadata? metadata, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(Encoding.UTF8.GetBytes(Valid));

        Assert.Empty(errors);
        Assert.Equal("Foo 2.1.0", metadata!.Name);
        Assert.Equal(("2.1.0", "foo", "umd-4", ReleaseType.NonIncremental), (metadata.Version, metadata.DistributionShortName, metadata.AssociatedMajorRelease, metadata.ReleaseType));
        Assert.Equal(["sl6/x86_64", "el7/x86_64"], metadata.Targets);
        ReleasePackage package = Assert.Single(metadata.Packages);
        Assert.Equal(new ReleasePackage("foo-server", "2.1.0-1.el7", "x86_64", 1024, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "el7/x86_64/foo-server-2.1.0-1.el7.x86_64.rpm"), package);
    }

    // Positions are 1-based and computed by hand from the document above: a bad element value is reported at the name in
    // its end tag (where the validator has seen all of it), a bad attribute at the attribute's name.
    [Theory]
    [InlineData("<Version>2.1.0</Version>", "<Version>2.1</Version>", 4, 17, "Version")]
    [InlineData("<ReleaseType>NonIncremental</ReleaseType>", "<ReleaseType>Major</ReleaseType>", 7, 23, "ReleaseType")]
    [InlineData("sha256=\"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\"", "sha256=\"xyz\"", 11, 82, "sha256")]
    [InlineData("path=\"el7/", "path=\"../", 11, 156, "path")]
    [InlineData("<DistributionShortName>foo</DistributionShortName>", "", 6, 4, "AssociatedMajorRelease")]
    public void Parse_Invalid_ReportsLineAndColumn(string replace, string with, int line, int column, string mentioned)
    {
        (ReleaseMetadata? metadata, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(Encoding.UTF8.GetBytes(Valid.Replace(replace, with, StringComparison.Ordinal)));

        Assert.Null(metadata);
        ReleaseXmlError error = errors[0];
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotWellFormed_ReportsLineAndColumn()
    {
        (ReleaseMetadata? metadata, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(Encoding.UTF8.GetBytes("<Release>\n  <Name>x</Nme>\n</Release>"));

        Assert.Null(metadata);
        Assert.Equal((2, 12), (errors[0].Line, errors[0].Column));
    }

    [Fact]
    public void Parse_DuplicatePackagePath_Refused()
    {
        string twice = Valid.Replace("</SoftwareComponent>", """
              <Package name="foo-extra" version="1" arch="noarch" size="1" sha256="9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08" path="el7/x86_64/foo-server-2.1.0-1.el7.x86_64.rpm"/>
            </SoftwareComponent>
            """, StringComparison.Ordinal);

        (ReleaseMetadata? metadata, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(Encoding.UTF8.GetBytes(twice));

        Assert.Null(metadata);
        Assert.Contains("UniquePackagePath", errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExternalEntity_RefusedWithoutReadingTheFile()
    {
        string secret = Path.GetTempFileName();
        File.WriteAllText(secret, "TOP-SECRET");
        string xxe = $"""
            <?xml version="1.0"?>
            <!DOCTYPE Release [<!ENTITY xxe SYSTEM "file://{secret}">]>
            <Release><Name>&xxe;</Name></Release>
            """;

        (ReleaseMetadata? metadata, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(Encoding.UTF8.GetBytes(xxe));

        Assert.Null(metadata);
        ReleaseXmlError error = Assert.Single(errors);
        Assert.Equal("DTDs (and so entity declarations) are not allowed in release.xml.", error.Message);
        Assert.Equal((2, 1), (error.Line, error.Column));
        Assert.DoesNotContain("TOP-SECRET", error.ToString(), StringComparison.Ordinal);
        File.Delete(secret);
    }

    [Fact]
    public void Parse_BillionLaughs_RefusedAtTheDtd()
    {
        var laughs = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++)
        {
            laughs.Append($" <!ENTITY lol{i} \"").Append(string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : i - 1)};", 10))).Append("\">\n");
        }

        laughs.Append("]>\n<Release><Name>&lol9;</Name></Release>");

        (ReleaseMetadata? metadata, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(Encoding.UTF8.GetBytes(laughs.ToString()));

        Assert.Null(metadata);
        Assert.Equal("DTDs (and so entity declarations) are not allowed in release.xml.", Assert.Single(errors).Message);
    }

    [Fact]
    public void Parse_FiftyMegabytes_RefusedBeforeParsing()
    {
        byte[] huge = new byte[50 * 1024 * 1024];
        byte[] start = Encoding.UTF8.GetBytes(Valid[..Valid.IndexOf("</Release>", StringComparison.Ordinal)] + "<!--");
        start.CopyTo(huge, 0);
        huge.AsSpan(start.Length).Fill((byte)'x');

        (ReleaseMetadata? metadata, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(huge);

        Assert.Null(metadata);
        Assert.Equal("release.xml is 52428800 bytes; at most 1048576 are accepted.", Assert.Single(errors).Message);
    }

    [Fact]
    public void Parse_JustUnderTheByteLimitWithHugeText_IsASchemaErrorOnTheElement()
    {
        // Within the byte limit nothing else bounds the size (the byte limit bounds the characters): a huge value is
        // judged by the schema like any other, at the name in its end tag.
        string padded = Valid.Replace("<Name>Foo 2.1.0</Name>", "<Name>" + new string('a', 900_000) + "</Name>", StringComparison.Ordinal);

        (ReleaseMetadata? metadata, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(Encoding.UTF8.GetBytes(padded));

        Assert.Null(metadata);
        ReleaseXmlError error = Assert.Single(errors);
        Assert.Contains("Name", error.Message, StringComparison.Ordinal);
        Assert.Equal(Valid[..Valid.IndexOf("<Name>", StringComparison.Ordinal)].Count(c => c == '\n') + 1, error.Line);
    }

    [Fact]
    public void Parse_ValidDocumentPaddedToExactlyTheByteLimit_IsAccepted()
    {
        // No limit tighter than the byte limit applies while parsing.
        byte[] valid = Encoding.UTF8.GetBytes(Valid);
        byte[] padded = new byte[ReleaseXml.MaxBytes];
        valid.CopyTo(padded, 0);
        padded.AsSpan(valid.Length).Fill((byte)' ');

        (ReleaseMetadata? metadata, IReadOnlyList<ReleaseXmlError> errors) = ReleaseXml.Parse(padded);

        Assert.Empty(errors);
        Assert.NotNull(metadata);
    }
}
