using System.Text.Json;
using Hub.Domain.Catalog;

namespace Hub.Domain.Tests.Catalog;

public sealed class ServiceValidatorTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly DateTimeOffset Issued = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Validate_EveryTadFieldValid_HasNoProblems()
    {
        IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(CatalogFixture.Full);

        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_ManyFieldsWrong_ReportsEveryProblemWithPathAndRule()
    {
        ServiceRecord bad = CatalogFixture.Full with
        {
            Name = "pay roll",
            StartupRank = -1,
            Owners = ["not-an-address"],
            RunBookUrl = "wiki/payroll",
        };

        IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(bad);

        Assert.Equal(
            [("name", CatalogRule.Name), ("startupRank", CatalogRule.NonNegative), ("owners[0]", CatalogRule.EmailAddress), ("runBookUrl", CatalogRule.AbsoluteUrl)],
            problems.Select(p => (p.Path, p.Rule)));
    }

    [Fact]
    public void Validate_BlankNameNoOwnersNoTiers_ReportsEachAsRequired()
    {
        IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(new ServiceRecord(" ", [], []));

        Assert.Equal([("name", CatalogRule.Required), ("owners", CatalogRule.Required), ("tiers", CatalogRule.Required)], problems.Select(p => (p.Path, p.Rule)));
    }

    [Fact]
    public void Validate_RankZero_IsAllowed()
    {
        IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(CatalogFixture.Db with { StartupRank = 0 });

        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_HttpAgentUrlOnSecondTier_NamesTheNodePathAndHttpsRule()
    {
        ServiceTier live = CatalogFixture.App.Tiers[1];
        ServiceRecord bad = CatalogFixture.App with
        {
            Tiers = [CatalogFixture.App.Tiers[0], live with { Nodes = [live.Nodes[0] with { AgentUrl = "http://app-1.example.org/agent" }, live.Nodes[1]] }],
        };

        CatalogProblem problem = Assert.Single(ServiceValidator.Validate(bad));

        Assert.Equal(("tiers[1].nodes[0].agentUrl", CatalogRule.HttpsUrl), (problem.Path, problem.Rule));
        Assert.Equal("tiers[1].nodes[0].agentUrl 'http://app-1.example.org/agent' is not an absolute https URL (plain http is allowed only to a loopback address).", problem.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8089/steps")]
    [InlineData("http://localhost:8089/steps")]
    [InlineData("http://[::1]:8089/steps")]
    public void Validate_HttpAgentUrlOnLoopback_IsAccepted(string url)
    {
        ServiceRecord local = CatalogFixture.Db with { Tiers = [CatalogFixture.Db.Tiers[0] with { AgentUrl = url }] };

        Assert.Empty(ServiceValidator.Validate(local));
    }

    [Theory]
    [InlineData("/agent")]
    [InlineData("agent.example.org")]
    [InlineData("ftp://agent.example.org/")]
    public void Validate_AgentUrlNotAbsoluteHttps_IsHttpsUrlProblem(string url)
    {
        ServiceRecord bad = CatalogFixture.Db with { Tiers = [CatalogFixture.Db.Tiers[0] with { AgentUrl = url }] };

        CatalogProblem problem = Assert.Single(ServiceValidator.Validate(bad));

        Assert.Equal(("tiers[0].agentUrl", CatalogRule.HttpsUrl), (problem.Path, problem.Rule));
    }

    [Fact]
    public void Validate_NodeWithoutAgentInTierWithoutAgent_IsRequiredAtTheNode()
    {
        ServiceRecord bad = CatalogFixture.Db with { Tiers = [new ServiceTier("LIVE", [new ServiceNode("db-1", "Db")])] };

        CatalogProblem problem = Assert.Single(ServiceValidator.Validate(bad));

        Assert.Equal(("tiers[0].nodes[0].agentUrl", CatalogRule.Required), (problem.Path, problem.Rule));
    }

    [Fact]
    public void Validate_UnknownAndDuplicateTiers_AreReportedAtTheirNames()
    {
        ServiceTier dev = CatalogFixture.Db.Tiers[0];
        ServiceRecord bad = CatalogFixture.Db with { Tiers = [dev, dev with { Name = "dev" }, dev with { Name = "QA" }] };

        IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(bad);

        Assert.Equal([("tiers[1].name", CatalogRule.Duplicate), ("tiers[2].name", CatalogRule.UnknownTier)], problems.Select(p => (p.Path, p.Rule)));
    }

    [Fact]
    public void Validate_TadTierSetsInTheirOwnOrder_AreBothAccepted()
    {
        ServiceNode node = new("n-1", "App");
        ServiceRecord tad = CatalogFixture.Db with { Tiers = [.. new[] { "LIVE", "TRN", "TEST", "DEV" }.Select(t => new ServiceTier(t, [node], AgentUrl: "https://agent.example.org/"))] };
        ServiceRecord mit = CatalogFixture.Db with { Tiers = [.. new[] { "DEV", "TEST", "STAGE", "PROD" }.Select(t => new ServiceTier(t, [node], AgentUrl: "https://agent.example.org/"))] };

        Assert.Empty(ServiceValidator.Validate(tad));
        Assert.Empty(ServiceValidator.Validate(mit));
        Assert.Equal(["LIVE", "TRN", "TEST", "DEV"], tad.Tiers.Select(t => t.Name));
    }

    [Fact]
    public void Validate_DuplicateNodeBadNodeNameAndMissingServerTier_AreEachReported()
    {
        ServiceRecord bad = CatalogFixture.Db with
        {
            Tiers = [new ServiceTier("LIVE", [new ServiceNode("db-1", "Db"), new ServiceNode("DB-1", "Db"), new ServiceNode("db 2", ""), ], AgentUrl: "https://agent.example.org/")],
        };

        IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(bad);

        Assert.Equal(
            [("tiers[0].nodes[1].name", CatalogRule.Duplicate), ("tiers[0].nodes[2].name", CatalogRule.Name), ("tiers[0].nodes[2].serverTier", CatalogRule.Required)],
            problems.Select(p => (p.Path, p.Rule)));
    }

    [Fact]
    public void Validate_TierUrlsAndManagers_AreChecked()
    {
        ServiceTier live = CatalogFixture.Web.Tiers[1];
        ServiceRecord bad = CatalogFixture.Web with { Tiers = [CatalogFixture.Web.Tiers[0], live with { Urls = ["https://ok.example.org/", "web.example.org"], Managers = ["manager"] }] };

        IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(bad);

        Assert.Equal([("tiers[1].urls[1]", CatalogRule.AbsoluteUrl), ("tiers[1].managers[0]", CatalogRule.EmailAddress)], problems.Select(p => (p.Path, p.Rule)));
    }

    [Fact]
    public void Validate_CertificateRules_RequiredCnAndExpiryExpiryBeforeIssueAndDuplicate()
    {
        var good = new ServiceCertificate("web.example.org", "CA", "web-1", Issued, Issued.AddYears(1));
        ServiceTier live = CatalogFixture.Web.Tiers[1] with
        {
            Certificates =
            [
                good,
                new ServiceCertificate("", "CA", "web-2", Issued, null),
                new ServiceCertificate("old.example.org", "CA", "web-1", Issued, Issued),
                good with { CommonName = "WEB.example.org" },
            ],
        };

        IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(CatalogFixture.Web with { Tiers = [CatalogFixture.Web.Tiers[0], live] });

        Assert.Equal(
            [
                ("tiers[1].certificates[1].commonName", CatalogRule.Required),
                ("tiers[1].certificates[1].expiry", CatalogRule.Required),
                ("tiers[1].certificates[2].expiry", CatalogRule.ExpiryBeforeIssue),
                ("tiers[1].certificates[3]", CatalogRule.Duplicate),
            ],
            problems.Select(p => (p.Path, p.Rule)));
    }

    [Fact]
    public void Validate_CertificateExpiringBeforeIssue_SaysBothTimes()
    {
        var cert = new ServiceCertificate("web.example.org", null, null, Issued, Issued.AddDays(-1));
        ServiceRecord bad = CatalogFixture.Web with { Tiers = [CatalogFixture.Web.Tiers[0] with { Certificates = [cert] }] };

        CatalogProblem problem = Assert.Single(ServiceValidator.Validate(bad));

        Assert.Equal("tiers[0].certificates[0].expiry 2026-01-09T00:00:00.0000000+00:00 is not after its issue time 2026-01-10T00:00:00.0000000+00:00.", problem.Message);
    }

    [Fact]
    public void Validate_OperationalSections_CheckRequiredFieldsAndReferences()
    {
        ServiceRecord bad = CatalogFixture.Full with
        {
            SupportContacts = [new SupportContact("Desk"), new SupportContact("", Email: "desk")],
            Users = [new ServiceUser("svc", "", "PROD")],
            DataSources = [new DataSource("paydb", "", "", "STAGE")],
            ScheduledTasks = [new ScheduledTask("nightly", "", Tier: "LIVE", Node: "pay-dev"), new ScheduledTask("weekly", "0 3 * * 0", Tier: "QA", Node: "nowhere")],
            StartupSteps = ["systemctl start payroll", " "],
            ShutdownSteps = [""],
            Logs = [new FileLocation("", Node: "pay-9")],
            Configuration = [new FileLocation("/etc/payroll", Node: "pay-dev")],
            RecipientLists = ["map support", "team@"],
        };

        IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(bad);

        Assert.Equal(
            [
                ("recipientLists[0]", CatalogRule.Name),
                ("recipientLists[1]", CatalogRule.EmailAddress),
                ("supportContacts[0].email", CatalogRule.Required),
                ("supportContacts[1].name", CatalogRule.Required),
                ("supportContacts[1].email", CatalogRule.EmailAddress),
                ("users[0].role", CatalogRule.Required),
                ("users[0].tier", CatalogRule.UnknownTier),
                ("dataSources[0].kind", CatalogRule.Required),
                ("dataSources[0].location", CatalogRule.Required),
                ("dataSources[0].tier", CatalogRule.UnknownTier),
                ("scheduledTasks[0].schedule", CatalogRule.Required),
                ("scheduledTasks[0].node", CatalogRule.UnknownNode),
                ("scheduledTasks[1].tier", CatalogRule.UnknownTier),
                ("startupSteps[1]", CatalogRule.Required),
                ("shutdownSteps[0]", CatalogRule.Required),
                ("logs[0].path", CatalogRule.Required),
                ("logs[0].node", CatalogRule.UnknownNode),
            ],
            problems.Select(p => (p.Path, p.Rule)));
    }

    [Fact]
    public void Validate_Catalog_PrefixesPathsAndFindsDuplicateServiceNames()
    {
        var catalog = new ServiceCatalog([CatalogFixture.Db, CatalogFixture.App with { Name = "DB" }, CatalogFixture.Web with { StartupRank = -5 }]);

        IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(catalog);

        Assert.Equal([("services[1].name", CatalogRule.Duplicate), ("services[2].startupRank", CatalogRule.NonNegative)], problems.Select(p => (p.Path, p.Rule)));
    }

    [Fact]
    public void Validate_SparseJson_ReadsMissingListsAsEmptyAndReportsThem()
    {
        ServiceRecord sparse = JsonSerializer.Deserialize<ServiceRecord>("""{"name":"db","tiers":[{"name":"LIVE","nodes":null}]}""", Json)!;

        IReadOnlyList<CatalogProblem> problems = ServiceValidator.Validate(sparse);

        Assert.Equal([("owners", CatalogRule.Required)], problems.Select(p => (p.Path, p.Rule)));
        Assert.Empty(sparse.Tiers[0].Nodes);
    }

    [Fact]
    public void ServiceRecord_EveryField_RoundTripsThroughJson()
    {
        string json = JsonSerializer.Serialize(CatalogFixture.Full, Json);

        ServiceRecord read = JsonSerializer.Deserialize<ServiceRecord>(json, Json)!;

        Assert.Equal(json, JsonSerializer.Serialize(read, Json));
        Assert.Contains("\"agentUrl\":\"https://pay-1.example.org/agent\"", json, StringComparison.Ordinal);
        Assert.Empty(ServiceValidator.Validate(read));
    }
}
