using Hub.Domain.Configuration;
using Hub.Functions.Hosting;
using Hub.Functions.Security;
using Microsoft.Extensions.Configuration;

namespace Hub.Functions.Tests.Security;

public sealed class ApiKeysTests
{
    [Fact]
    public void Load_SeveralRoles_FindsTheCallerByKey()
    {
        ApiKeys keys = Load(new() { ["Hub__ApiKeys__release-bot"] = "integrator, developer:8c1f0a7e3b9d4c2a" });

        ApiCaller? caller = keys.Find("8c1f0a7e3b9d4c2a");

        Assert.NotNull(caller);
        Assert.Equal("release-bot", caller.Name);
        Assert.Equal(new HashSet<Role> { Role.Integrator, Role.Developer }, caller.Roles);
    }

    [Theory]
    [InlineData("8c1f0a7e3b9d4c2b")]
    [InlineData("8c1f0a7e3b9d4c2")]
    [InlineData("")]
    [InlineData(null)]
    public void Find_OtherKey_ReturnsNull(string? presented)
    {
        ApiKeys keys = Load(new() { ["Hub__ApiKeys__ops"] = "operator:8c1f0a7e3b9d4c2a" });

        ApiCaller? caller = keys.Find(presented);

        Assert.Null(caller);
    }

    [Theory]
    [InlineData("operator:0123456789abcde", "shorter than 16")]
    [InlineData("operator", "must be '<role>")]
    [InlineData(":0123456789abcdef", "must be '<role>")]
    [InlineData("root:0123456789abcdef", "unknown role 'root'")]
    [InlineData("operator,:0123456789abcdef", "unknown role ''")]
    [InlineData("operator:dev-only-0123456789abcdef", "development-only")]
    public void Load_BadSetting_ThrowsNamingTheSettingNotTheKey(string value, string reason)
    {
        var settings = new Dictionary<string, string?> { ["Hub__ApiKeys__ops"] = value };

        var error = Assert.Throws<HubStartupException>(() => Load(settings));

        Assert.Contains("'Hub__ApiKeys__ops'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcde", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SameKeyForTwoNames_ThrowsNamingBoth()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hub__ApiKeys__a"] = "operator:0123456789abcdef",
            ["Hub__ApiKeys__b"] = "developer:0123456789abcdef",
        };

        var error = Assert.Throws<HubStartupException>(() => Load(settings));

        Assert.Contains("'Hub__ApiKeys__a' and 'Hub__ApiKeys__b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DevelopmentOnlyKeyInDevelopment_IsAccepted()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Hub__ApiKeys__ops"] = "operator:dev-only-operator-key",
        };

        ApiKeys keys = Load(settings);

        Assert.Equal("ops", keys.Find("dev-only-operator-key")?.Name);
    }

    [Fact]
    public void Load_NoKeys_FindsNobody()
    {
        ApiKeys keys = Load([]);

        Assert.Equal(0, keys.Count);
        Assert.Null(keys.Find("anything-at-all-0123"));
    }

    private static ApiKeys Load(Dictionary<string, string?> settings) => ApiKeys.Load(
        new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(p => LocalSettings.Flatten(p.Key), p => p.Value)).Build());
}
