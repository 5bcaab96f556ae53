using Hub.Domain.Changes;

namespace Hub.Domain.Tests.Changes;

public sealed class ChangeNamesTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void Tag_WithVersion_IsReleaseVersionDate()
    {
        string tag = ChangeNames.Tag("2.4.1", new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero), NewYork);

        Assert.Equal("Release-2.4.1-20260302", tag);
    }

    [Fact]
    public void Branch_LateEveningInNewYork_UsesTheLocalDate()
    {
        // 02:30 UTC on 3 March is 21:30 EST on 2 March.
        string branch = ChangeNames.Branch("2.4.1", new DateTimeOffset(2026, 3, 3, 2, 30, 0, TimeSpan.Zero), NewYork);

        Assert.Equal("PROD-2.4.1-20260302", branch);
    }

    [Fact]
    public void Tag_WithoutVersion_IsReleaseDate()
    {
        string tag = ChangeNames.Tag(null, new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero), NewYork);

        Assert.Equal("Release-20260302", tag);
    }

    [Theory]
    [InlineData("2.4.1")]
    [InlineData("v10_rc1")]
    [InlineData("2026.03+build.7")]
    [InlineData("1.lock.2")]
    [InlineData("2-4")]
    [InlineData("@x")]
    public void CheckVersion_GitAcceptsIt_NullAndTheNamesAreValidRefs(string version)
    {
        DateTimeOffset at = new(2026, 3, 2, 15, 0, 0, TimeSpan.Zero);

        string? problem = ChangeNames.CheckVersion(version);

        Assert.Null(problem);
        Assert.Null(GitRefName.Problem(ChangeNames.Tag(version, at, NewYork)));
        Assert.Null(GitRefName.Problem(ChangeNames.Branch(version, at, NewYork)));
    }

    [Theory]
    [InlineData("2.4 beta", "version: '2.4 beta' contains a space; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2..4", "version: '2..4' contains '..'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2~1", "version: '2~1' contains '~'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2^1", "version: '2^1' contains '^'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2:1", "version: '2:1' contains ':'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2?", "version: '2?' contains '?'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2*", "version: '2*' contains '*'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2[1]", "version: '2[1]' contains '['; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2\\1", "version: '2\\1' contains '\\'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2\t1", "version: '2\\u00091' contains the control character U+0009; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2\u007f", "version: '2\\u007f' contains the control character U+007F; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("-2.4", "version: '-2.4' begins with '-'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2.4.lock", "version: '2.4.lock' has a part ending with '.lock'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2.4.", "version: '2.4.' ends with '.'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData(".2", "version: '.2' has a part beginning with '.'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2@{1}", "version: '2@{1}' contains '@{'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("@", "version: '@' is the single character '@'; a version must itself be a valid git ref name (git check-ref-format), as the tag and branch are made from it.")]
    [InlineData("2/4", "version: '2/4' contains '/', which would file the tag and branch under a directory of refs; use '.', '-' or '_'.")]
    public void CheckVersion_InvalidRefName_NamesTheRule(string version, string problem)
    {
        string? found = ChangeNames.CheckVersion(version);

        Assert.Equal(problem, found);
    }

    [Fact]
    public void CheckVersion_Empty_Refused()
    {
        string? problem = ChangeNames.CheckVersion("");

        Assert.Equal("version: 1 to 64 characters, or leave it out (the names are then Release-<yyyymmdd> and PROD-<yyyymmdd>).", problem);
    }

    [Theory]
    [InlineData("refs//x", "contains '//'")]
    [InlineData("/x", "begins or ends with '/'")]
    [InlineData("x/", "begins or ends with '/'")]
    [InlineData("a/.b", "has a part beginning with '.'")]
    [InlineData("a.lock/b", "has a part ending with '.lock'")]
    [InlineData("", "is empty")]
    public void Problem_HierarchicalRules_Named(string name, string problem)
    {
        string? found = GitRefName.Problem(name);

        Assert.Equal(problem, found);
    }
}
