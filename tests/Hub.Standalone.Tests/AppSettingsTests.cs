using Hub.Standalone.Settings;
using Microsoft.Extensions.Configuration;

namespace Hub.Standalone.Tests;

public sealed class AppSettingsTests
{
    [Fact]
    public void Resolve_EnvironmentSpellingOfAConfigurationKey_FindsTheValue()
    {
        // The environment variable Hub__DurableName is the configuration key Hub:DurableName once .NET has read it.
        var settings = new AppSettings(Configuration(("Hub:DurableName", "hubx"), ("WorkQueue", "work-1")));

        string queue = settings.Resolve("%Hub__DurableName%-work");
        string plain = settings.Resolve("%WorkQueue%");

        Assert.Equal("hubx-work", queue);
        Assert.Equal("work-1", plain);
    }

    [Fact]
    public void Resolve_KeyWrittenWithUnderscores_WinsOverTheConfigurationSpelling()
    {
        var settings = new AppSettings(Configuration(("Hub__DurableName", "written"), ("Hub:DurableName", "flattened")));

        Assert.Equal("written", settings.Resolve("%Hub__DurableName%"));
    }

    [Fact]
    public void Resolve_MissingSetting_ThrowsNamingIt()
    {
        var settings = new AppSettings(Configuration());

        var error = Assert.Throws<InvalidOperationException>(() => settings.Resolve("%Hub__DailySchedule%"));

        Assert.Contains("'Hub__DailySchedule'", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
