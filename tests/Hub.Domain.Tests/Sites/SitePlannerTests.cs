using Hub.Domain.Catalog;
using Hub.Domain.Sites;
using Hub.Domain.Tests.Catalog;

namespace Hub.Domain.Tests.Sites;

public sealed class SitePlannerTests
{
    private static readonly PlanOptions Live = new("r1", Tier: "LIVE");

    /// <summary>app (20) and api (27) serve in the App server tier, cache (25) and web (30) in the Web server tier.</summary>
    private static readonly ServiceCatalog Front = new(
    [
        CatalogFixture.App,
        CatalogFixture.Service("cache", 25, "Web", ["cache-1", "cache-2"], ["cache-dev"]),
        CatalogFixture.Service("api", 27, "App", ["api-1", "api-2"], ["api-dev"]),
        CatalogFixture.Web,
    ]);

    private static readonly Site FrontSite = new("front", [new SiteMember("web"), new SiteMember("api"), new SiteMember("cache"), new SiteMember("app")]);

    [Fact]
    public void Plan_Start_RunsServicesInAscendingRankAndNodesAsListed()
    {
        SitePlan plan = Plan(SiteCommand.Start, Live);

        Assert.Equal(["start db-1", "start app-1", "start app-2", "start web-1", "start web-2"], Describe(plan));
        Assert.Equal(["r1:000:db:db-1:start", "r1:001:app:app-1:start", "r1:002:app:app-2:start", "r1:003:web:web-1:start", "r1:004:web:web-2:start"], plan.Steps.Select(s => s.StepId));
        Assert.Equal((0, "db", "LIVE", "db-1", "Db", "https://db-1.example.org:8443/agent"), Fields(plan.Steps[0]));
    }

    [Fact]
    public void Plan_Stop_IsTheExactReverseOfStart()
    {
        SitePlan plan = Plan(SiteCommand.Stop, Live);

        Assert.Equal(["stop web-2", "stop web-1", "stop app-2", "stop app-1", "stop db-1"], Describe(plan));
        Assert.Equal("r1:000:web:web-2:stop", plan.Steps[0].StepId);
    }

    [Fact]
    public void Plan_Status_AsksEveryServiceOnEveryNodeInStartOrder()
    {
        SitePlan plan = Plan(SiteCommand.Status, Live with { KeepGoing = true });

        Assert.Equal(["status db-1", "status app-1", "status app-2", "status web-1", "status web-2"], Describe(plan));
        Assert.True(plan.KeepGoing);
        Assert.Null(plan.Strategy);
    }

    [Fact]
    public void Plan_WithoutTier_ReachesEveryTierOfEachServiceInTheServicesTierOrder()
    {
        SitePlan plan = Plan(SiteCommand.Start, new PlanOptions("r1"));

        Assert.Equal(["start db-dev", "start db-1", "start app-dev", "start app-1", "start app-2", "start web-dev", "start web-1", "start web-2"], Describe(plan));
        Assert.Equal("https://agent.dev.example.org/db", plan.Steps[0].AgentUrl);
    }

    [Fact]
    public void Plan_DevTierFilter_ChoosesOnlyDevNodes()
    {
        SitePlan plan = Plan(SiteCommand.Stop, new PlanOptions("r1", Tier: "dev"));

        Assert.Equal(["stop web-dev", "stop app-dev", "stop db-dev"], Describe(plan));
        Assert.All(plan.Steps, s => Assert.Equal("DEV", s.Tier));
    }

    [Fact]
    public void Plan_UpdateStopAll_StopsEverythingThenInstallsConfiguresAndStartsEachInRankOrder()
    {
        SitePlan plan = Plan(SiteCommand.Update, Live);

        Assert.Equal(
            [
                "stop web-2", "stop web-1", "stop app-2", "stop app-1", "stop db-1",
                "install db-1", "configure db-1", "start db-1",
                "install app-1", "configure app-1", "start app-1",
                "install app-2", "configure app-2", "start app-2",
                "install web-1", "configure web-1", "start web-1",
                "install web-2", "configure web-2", "start web-2",
            ],
            Describe(plan));
        Assert.Equal(UpdateStrategy.StopAll, plan.Strategy);
    }

    [Fact]
    public void Plan_UpdateRolling_TakesOneServerTierAtATimeAndOneNodeAtATime()
    {
        Validated<SitePlan> result = SitePlanner.Plan(FrontSite, Front, SiteCommand.Update, Live with { Strategy = UpdateStrategy.Rolling });

        Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
        string[] roll = ["stop", "install", "configure", "start"];
        Assert.Equal(
            new[] { "app-1", "app-2", "api-1", "api-2", "cache-1", "cache-2", "web-1", "web-2" }.SelectMany(n => roll.Select(c => $"{c} {n}")),
            Describe(result.Value!));
        Assert.Equal(UpdateStrategy.Rolling, result.Value!.Strategy);
    }

    [Fact]
    public void Plan_UpdateRolling_KeepsANodeOfEveryServiceUpInEachServerTierThroughout()
    {
        SitePlan plan = SitePlanner.Plan(FrontSite, Front, SiteCommand.Update, Live with { Strategy = UpdateStrategy.Rolling }).Value!;

        int fewestUp = FewestNodesUp(plan);

        Assert.Equal(1, fewestUp);
    }

    [Fact]
    public void Plan_UpdateStopAll_LeavesServicesWithNoNodeUp()
    {
        SitePlan plan = SitePlanner.Plan(FrontSite, Front, SiteCommand.Update, Live).Value!;

        int fewestUp = FewestNodesUp(plan);

        Assert.Equal(0, fewestUp);
    }

    [Fact]
    public void Plan_UpdateRollingWithASingleNodeService_IsRefusedNamingIt()
    {
        Validated<SitePlan> result = SitePlanner.Plan(CatalogFixture.Shop, CatalogFixture.Catalog, SiteCommand.Update, Live with { Strategy = UpdateStrategy.Rolling });

        CatalogProblem problem = Assert.Single(result.Problems);
        Assert.Equal(("services[1]", CatalogRule.SingleNode), (problem.Path, problem.Rule));
        Assert.Equal("Service 'db' has one node (db-1) in server tier Db of LIVE: a rolling update would stop it serving; use stop-all.", problem.Message);
        Assert.Null(result.Value);
    }

    [Fact]
    public void Plan_UpdateRollingOverEveryTier_CountsNodesPerDeploymentTier()
    {
        // app has two LIVE nodes but a single DEV node: DEV's app would stop serving.
        Validated<SitePlan> result = SitePlanner.Plan(FrontSite, Front, SiteCommand.Update, new PlanOptions("r1", Strategy: UpdateStrategy.Rolling));

        Assert.Equal(["services[0]", "services[1]", "services[2]", "services[3]"], result.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.All(result.Problems, p => Assert.Equal(CatalogRule.SingleNode, p.Rule));
        Assert.Contains(result.Problems, p => p.Message == "Service 'app' has one node (app-dev) in server tier App of DEV: a rolling update would stop it serving; use stop-all.");
    }

    [Fact]
    public void Plan_EqualRanks_KeepTheSitesListedOrderAndStopReversesIt()
    {
        var catalog = new ServiceCatalog([CatalogFixture.App, CatalogFixture.Web with { StartupRank = 20 }]);
        var site = new Site("front", [new SiteMember("web"), new SiteMember("app")]);

        SitePlan start = SitePlanner.Plan(site, catalog, SiteCommand.Start, Live).Value!;
        SitePlan stop = SitePlanner.Plan(site, catalog, SiteCommand.Stop, Live).Value!;

        Assert.Equal(["start web-1", "start web-2", "start app-1", "start app-2"], Describe(start));
        Assert.Equal(["stop app-2", "stop app-1", "stop web-2", "stop web-1"], Describe(stop));
    }

    [Fact]
    public void Plan_SameRunTwice_GivesTheSameStepIdsAndAnotherRunOthers()
    {
        SitePlan first = Plan(SiteCommand.Update, Live);
        SitePlan again = Plan(SiteCommand.Update, Live);
        SitePlan other = Plan(SiteCommand.Update, Live with { RunId = "r2" });

        Assert.Equal(first.Steps.Select(s => s.StepId), again.Steps.Select(s => s.StepId));
        Assert.Equal(20, first.Steps.Select(s => s.StepId).Distinct().Count());
        Assert.Equal("r2:019:web:web-2:start", other.Steps[^1].StepId);
        Assert.Empty(first.Steps.Select(s => s.StepId).Intersect(other.Steps.Select(s => s.StepId)));
    }

    [Fact]
    public void Plan_UnknownTierName_IsUnknownTier()
    {
        Validated<SitePlan> result = SitePlanner.Plan(CatalogFixture.Shop, CatalogFixture.Catalog, SiteCommand.Start, Live with { Tier = "QA" });

        CatalogProblem problem = Assert.Single(result.Problems);
        Assert.Equal(("tier", CatalogRule.UnknownTier), (problem.Path, problem.Rule));
    }

    [Fact]
    public void Plan_TierNoMemberHas_IsNoNodesForEachMember()
    {
        Validated<SitePlan> result = SitePlanner.Plan(CatalogFixture.Shop, CatalogFixture.Catalog, SiteCommand.Start, Live with { Tier = "STAGE" });

        Assert.Equal(["services[0]", "services[1]", "services[2]"], result.Problems.Select(p => p.Path));
        Assert.All(result.Problems, p => Assert.Equal(CatalogRule.NoNodes, p.Rule));
        Assert.Equal("Service 'web' has no node in tier STAGE.", result.Problems[0].Message);
    }

    [Fact]
    public void Plan_InvalidSiteAndRunId_ReportsEveryProblemAndNoPlan()
    {
        var site = new Site("shop", [new SiteMember("db"), new SiteMember("mail")]);

        Validated<SitePlan> result = SitePlanner.Plan(site, CatalogFixture.Catalog, SiteCommand.Start, new PlanOptions("run 1", Tier: "QA"));

        Assert.False(result.IsValid);
        Assert.Equal([("services[1].service", CatalogRule.UnknownService), ("runId", CatalogRule.Name), ("tier", CatalogRule.UnknownTier)], result.Problems.Select(p => (p.Path, p.Rule)));
    }

    [Fact]
    public void Plan_NodeWithoutAgentInAnUncheckedRecord_IsRefusedRatherThanSentNowhere()
    {
        ServiceRecord uncheckedRecord = CatalogFixture.Db with { Tiers = [new ServiceTier("LIVE", [new ServiceNode("db-1", "Db")])] };
        var catalog = new ServiceCatalog([uncheckedRecord]);

        Validated<SitePlan> result = SitePlanner.Plan(new Site("solo", [new SiteMember("db")]), catalog, SiteCommand.Start, Live);

        CatalogProblem problem = Assert.Single(result.Problems);
        Assert.Equal(("services[0]", CatalogRule.Required), (problem.Path, problem.Rule));
    }

    [Fact]
    public void Plan_UndefinedCommandOrStrategy_IsUnknownValue()
    {
        Validated<SitePlan> result = SitePlanner.Plan(CatalogFixture.Shop, CatalogFixture.Catalog, (SiteCommand)9, Live with { Strategy = (UpdateStrategy)7 });

        Assert.Equal([("command", CatalogRule.UnknownValue), ("strategy", CatalogRule.UnknownValue)], result.Problems.Select(p => (p.Path, p.Rule)));
    }

    [Fact]
    public void Plan_TierSpelledInLowerCase_IsRecordedAsTheTierName()
    {
        SitePlan plan = Plan(SiteCommand.Start, Live with { Tier = "live" });

        Assert.Equal("LIVE", plan.Tier);
        Assert.Equal(5, plan.Steps.Count);
    }

    private static SitePlan Plan(SiteCommand command, PlanOptions options)
    {
        Validated<SitePlan> result = SitePlanner.Plan(CatalogFixture.Shop, CatalogFixture.Catalog, command, options);
        Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
        return result.Value!;
    }

    private static IEnumerable<string> Describe(SitePlan plan) => plan.Steps.Select(s => $"{s.Command.ToString().ToLowerInvariant()} {s.Node}");

    private static (int, string, string, string, string, string) Fields(PlannedStep s) => (s.Index, s.Service, s.Tier, s.Node, s.ServerTier, s.AgentUrl);

    /// <summary>Plays the steps on a site that is up, and returns the fewest nodes any (service, server tier) had up at any moment.</summary>
    private static int FewestNodesUp(SitePlan plan)
    {
        var up = plan.Steps.Select(s => (s.Service, s.ServerTier, s.Node)).Distinct().ToDictionary(n => n, _ => true);
        int fewest = int.MaxValue;
        foreach (PlannedStep step in plan.Steps)
        {
            if (step.Command is StepCommand.Stop or StepCommand.Start)
            {
                up[(step.Service, step.ServerTier, step.Node)] = step.Command == StepCommand.Start;
            }

            fewest = Math.Min(fewest, up.GroupBy(n => (n.Key.Service, n.Key.ServerTier)).Min(g => g.Count(n => n.Value)));
        }

        return fewest;
    }
}
