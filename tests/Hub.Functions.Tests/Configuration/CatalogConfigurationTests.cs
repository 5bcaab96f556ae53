using Hub.Domain.Catalog;
using Hub.Functions.Configuration;
using Hub.Testing;

namespace Hub.Functions.Tests.Configuration;

/// <summary><c>services:</c> in config/hub.yaml: the catalog's version 0 records, checked field by field.</summary>
public sealed class CatalogConfigurationTests
{
    [Fact]
    public void Load_ShippedSample_HasTheArchiveServiceRecord()
    {
        var configuration = HubConfigurationLoader.Load(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"));

        ServiceRecord archive = configuration.Catalog.Service("Archive")!;
        Assert.Equal((20, "https://runbooks.example.org/archive"), (archive.StartupRank, archive.RunBookUrl));
        Assert.Equal(["TEST", "LIVE"], archive.Tiers.Select(t => t.Name));
        Assert.Equal("https://archive-web-1.example.org:8443/agent", archive.Tier("live")!.AgentFor(archive.Tier("live")!.Nodes[1]));
        Assert.Equal(new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero), archive.Tier("LIVE")!.Certificates[0].Expiry);
    }

    [Fact]
    public void Parse_ServicesBreakingRules_ReportsEachAtItsPathAndTheUnknownKey()
    {
        string document = File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml")) + """

              - name: ledger
                owners: [nobody]
                tiers:
                  - { name: PRODUCTION, agentUrl: "https://agents.example.org/ledger", nodes: [ { name: l1, serverTier: App } ] }
              - name: journal
                owner: [someone@example.org]
                tiers: []
            """;

        var error = Assert.Throws<HubConfigurationException>(() => HubConfigurationLoader.Parse(document, "hub.yaml"));

        string[] lines = error.Message.Split('\n');
        Assert.Contains(lines, l => l.Contains("services[1].owners[0]:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("services[1].tiers[0].name:", StringComparison.Ordinal) && l.Contains("PRODUCTION", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("services[2].owner:", StringComparison.Ordinal) && l.Contains("is not a service record", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_SampleConfig_ReadsItsSite()
    {
        var configuration = HubConfigurationLoader.Load(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"));

        Hub.Domain.Sites.Site portal = configuration.Site("PORTAL")!;
        Assert.Equal(["archive"], portal.Services.Select(m => m.Service));
        Assert.Equal(["map-support"], portal.RecipientLists);
    }

    [Fact]
    public void Parse_SitesBreakingRules_ReportsEachAtItsPath()
    {
        string original = File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"));
        string document = original.Replace("sites:\n", """
            sites:
              - name: broken
                services:
                  - service: nowhere
                  - service: archive
                    after: [archive]
              - name: typo
                service: [archive]

            """.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.NotEqual(original, document);

        var error = Assert.Throws<HubConfigurationException>(() => HubConfigurationLoader.Parse(document, "hub.yaml"));

        string[] lines = error.Message.Split('\n');
        Assert.Contains(lines, l => l.Contains("sites[0].services[0].service:", StringComparison.Ordinal) && l.Contains("not in the catalog", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("sites[0].services[1].after", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("sites[1].service:", StringComparison.Ordinal) && l.Contains("is not a site", StringComparison.Ordinal));
    }
}
