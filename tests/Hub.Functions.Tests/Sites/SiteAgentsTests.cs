using Hub.Domain.Sites;
using Hub.Functions.Hosting;
using Hub.Functions.Sites;
using Microsoft.Extensions.Configuration;

namespace Hub.Functions.Tests.Sites;

/// <summary>The agent settings: which secret signs a step for which agent URL, and what a bad setting stops the start with.</summary>
public sealed class SiteAgentsTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public void For_AgentUrl_TakesTheLongestConfiguredUrlItStartsWith()
    {
        SiteAgents agents = SiteAgents.Load(Settings(
            ("Hub:Agents:fleet:Url", "https://agents.example.org/"), ("Hub:Agents:fleet:Secret", Secret),
            ("Hub:Agents:ledger:Url", "https://agents.example.org/ledger/"), ("Hub:Agents:ledger:Secret", Secret),
            ("Hub:Agents:local:Url", "http://127.0.0.1:8089/"), ("Hub:Agents:local:Secret", Secret)));

        Assert.Equal("ledger", agents.For("https://agents.example.org/ledger/steps")?.Name);
        Assert.Equal("fleet", agents.For("https://agents.example.org/till/steps")?.Name);
        Assert.Equal("local", agents.For("http://127.0.0.1:8089/steps")?.Name);
        Assert.Null(agents.For("http://127.0.0.1:8090/steps"));
        Assert.Null(agents.For("https://other.example.org/steps"));
        Assert.Null(agents.For("not a url"));
    }

    [Fact]
    public void Load_BadSettings_StopsTheStartNamingEachOne()
    {
        var error = Assert.Throws<HubStartupException>(() => SiteAgents.Load(Settings(
            ("Hub:Agents:plain:Url", "http://agents.example.org/"), ("Hub:Agents:plain:Secret", Secret),
            ("Hub:Agents:nokey:Url", "https://agents.example.org/"), ("Hub:Agents:nokey:Secret", "not base64!"),
            ("Hub:SiteStepTimeouts:Reboot", "00:01:00"),
            ("Hub:SiteStepTimeouts:Install", "forever"))));

        Assert.Contains("Hub__Agents__plain__Url", error.Message, StringComparison.Ordinal);
        Assert.Contains("Hub__Agents__nokey__Secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("Hub__SiteStepTimeouts__Reboot", error.Message, StringComparison.Ordinal);
        Assert.Contains("Hub__SiteStepTimeouts__Install", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeout_PerCommand_IsTheSettingElseTheDocumentedDefault()
    {
        SiteAgents agents = SiteAgents.Load(Settings(("Hub:SiteStepTimeouts:Install", "00:20:00")));

        Assert.Equal(TimeSpan.FromMinutes(20), agents.Timeout(StepCommand.Install));
        Assert.Equal(TimeSpan.FromSeconds(30), agents.Timeout(StepCommand.Status));
        Assert.Equal(TimeSpan.FromMinutes(2), agents.Timeout(StepCommand.Start));
    }

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}
