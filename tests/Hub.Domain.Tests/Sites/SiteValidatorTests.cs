using Hub.Domain.Catalog;
using Hub.Domain.Sites;
using Hub.Domain.Tests.Catalog;

namespace Hub.Domain.Tests.Sites;

public sealed class SiteValidatorTests
{
    private static readonly ServiceCatalog Catalog = CatalogFixture.Catalog;

    [Fact]
    public void Validate_ShopWithDependenciesAgreeingWithRanks_HasNoProblems()
    {
        IReadOnlyList<CatalogProblem> problems = SiteValidator.Validate(CatalogFixture.Shop, Catalog);

        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_NoMembersAndBadName_ReportsBoth()
    {
        IReadOnlyList<CatalogProblem> problems = SiteValidator.Validate(new Site("my site", []), Catalog);

        Assert.Equal([("name", CatalogRule.Name), ("services", CatalogRule.Required)], problems.Select(p => (p.Path, p.Rule)));
    }

    [Fact]
    public void Validate_UnknownServiceAndDuplicateMember_AreReportedAtTheMember()
    {
        var site = new Site("shop", [new SiteMember("db"), new SiteMember("mail"), new SiteMember("DB")]);

        IReadOnlyList<CatalogProblem> problems = SiteValidator.Validate(site, Catalog);

        Assert.Equal([("services[1].service", CatalogRule.UnknownService), ("services[2].service", CatalogRule.Duplicate)], problems.Select(p => (p.Path, p.Rule)));
        Assert.Equal("Service 'mail' is not in the catalog.", problems[0].Message);
    }

    [Fact]
    public void Validate_MemberWithoutRank_IsMissingRank()
    {
        var catalog = new ServiceCatalog([CatalogFixture.Db, CatalogFixture.App with { StartupRank = null }]);

        CatalogProblem problem = Assert.Single(SiteValidator.Validate(new Site("shop", [new SiteMember("db"), new SiteMember("app")]), catalog));

        Assert.Equal(("services[1].service", CatalogRule.MissingRank), (problem.Path, problem.Rule));
    }

    [Fact]
    public void Validate_AfterAServiceOutsideTheSite_IsNotInSite()
    {
        var site = new Site("shop", [new SiteMember("app", ["db"])]);

        CatalogProblem problem = Assert.Single(SiteValidator.Validate(site, Catalog));

        Assert.Equal(("services[0].after[0]", CatalogRule.NotInSite), (problem.Path, problem.Rule));
    }

    [Fact]
    public void Validate_AfterAServiceOfEqualOrHigherRank_IsRankOrder()
    {
        var catalog = new ServiceCatalog([CatalogFixture.Db, CatalogFixture.App, CatalogFixture.Web with { StartupRank = 20 }]);
        var site = new Site("shop", [new SiteMember("db", ["app"]), new SiteMember("app"), new SiteMember("web", ["app"])]);

        IReadOnlyList<CatalogProblem> problems = SiteValidator.Validate(site, catalog);

        Assert.Equal([("services[0].after[0]", CatalogRule.RankOrder), ("services[2].after[0]", CatalogRule.RankOrder)], problems.Select(p => (p.Path, p.Rule)));
        Assert.Equal("'db' (rank 10) starts after 'app' (rank 20): its rank must be lower than 10.", problems[0].Message);
    }

    [Fact]
    public void Validate_TwoServiceCycle_IsReportedOnceAsCycleBesidesTheRankOrder()
    {
        var site = new Site("shop", [new SiteMember("db", ["app"]), new SiteMember("app", ["db"])]);

        IReadOnlyList<CatalogProblem> problems = SiteValidator.Validate(site, Catalog);

        Assert.Equal([("services[0].after[0]", CatalogRule.RankOrder), ("services[0].after", CatalogRule.Cycle)], problems.Select(p => (p.Path, p.Rule)));
        Assert.Equal("Startup dependencies form a cycle: db -> app -> db.", problems[1].Message);
    }

    [Fact]
    public void Validate_ThreeServiceCycleAmongUnrankedServices_IsCycle()
    {
        var catalog = new ServiceCatalog([CatalogFixture.Db with { StartupRank = null }, CatalogFixture.App with { StartupRank = null }, CatalogFixture.Web with { StartupRank = null }]);
        var site = new Site("shop", [new SiteMember("web", ["app"]), new SiteMember("app", ["db"]), new SiteMember("db", ["web"])]);

        IReadOnlyList<CatalogProblem> problems = SiteValidator.Validate(site, catalog);

        Assert.Equal(
            [
                ("services[0].service", CatalogRule.MissingRank),
                ("services[1].service", CatalogRule.MissingRank),
                ("services[2].service", CatalogRule.MissingRank),
                ("services[0].after", CatalogRule.Cycle),
            ],
            problems.Select(p => (p.Path, p.Rule)));
        Assert.Equal("Startup dependencies form a cycle: web -> app -> db -> web.", problems[3].Message);
    }

    [Fact]
    public void Validate_ServiceAfterItself_IsACycle()
    {
        var site = new Site("shop", [new SiteMember("db", ["db"])]);

        CatalogProblem problem = Assert.Single(SiteValidator.Validate(site, Catalog));

        Assert.Equal(("services[0].after", CatalogRule.Cycle, "Startup dependencies form a cycle: db -> db."), (problem.Path, problem.Rule, problem.Message));
    }

    [Fact]
    public void Validate_BadRecipientEntries_AreReported()
    {
        Site site = CatalogFixture.Shop with { RecipientLists = ["map-support", "ops@", "two words"] };

        IReadOnlyList<CatalogProblem> problems = SiteValidator.Validate(site, Catalog);

        Assert.Equal([("recipientLists[1]", CatalogRule.EmailAddress), ("recipientLists[2]", CatalogRule.Name)], problems.Select(p => (p.Path, p.Rule)));
    }
}
