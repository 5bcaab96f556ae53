using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Testing;

namespace Hub.Functions.Tests.Hosting;

/// <summary>infra/main.bicep compiled by the real Bicep compiler, and the ARM template it makes read back.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // the compiler package is the linux-x64 one
public sealed partial class InfraTests
{
    [Fact]
    public async Task MainBicep_Build_IsAFlexConsumptionDotnetIsolatedAppWithIdentityStorageAndTheDataPlaneRoles()
    {
        string root = Azurite.RepositoryRoot();

        (int exitCode, string template, string diagnostics) = await BicepBuildAsync(Path.Combine(root, "infra", "main.bicep"));

        Assert.True(exitCode == 0, diagnostics);
        Assert.Equal("", diagnostics.Trim());
        using JsonDocument arm = JsonDocument.Parse(template);
        JsonElement[] resources = [.. arm.RootElement.GetProperty("resources").EnumerateArray()];
        JsonElement plan = resources.Single(r => r.GetProperty("type").GetString() == "Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        JsonElement site = resources.Single(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites").GetProperty("properties");
        JsonElement config = site.GetProperty("functionAppConfig");
        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("10.0", config.GetProperty("runtime").GetProperty("version").GetString());
        Assert.Equal("UserAssignedIdentity", config.GetProperty("deployment").GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString());
        string[] settings = [.. site.GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray().Select(s => s.GetProperty("name").GetString()!)];
        Assert.Subset(settings.ToHashSet(), new HashSet<string> { "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "APPLICATIONINSIGHTS_CONNECTION_STRING", "Hub__AdminKey" });
        // Flex Consumption refuses the first two as app settings; a connection string would need a storage key.
        Assert.DoesNotContain(settings, s => s is "FUNCTIONS_WORKER_RUNTIME" or "FUNCTIONS_EXTENSION_VERSION" or "AzureWebJobsStorage" or "WEBSITE_TIME_ZONE");
        // Storage Blob Data Owner, Queue Data Contributor, Table Data Contributor, Key Vault Secrets User.
        Assert.All(
            ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "4633458b-17de-408a-b874-0445c86b69e6"],
            role => Assert.Contains(role, template, StringComparison.Ordinal));
        // The Functions host resolves %Setting% in trigger attributes from app settings only.
        string metadata = await File.ReadAllTextAsync(Path.Combine(root, "functions", "Hub.App", "bin", Configuration(), "net10.0", "functions.metadata"));
        Assert.All(SettingReference().Matches(metadata).Select(m => m.Groups[1].Value).Distinct(), named => Assert.Contains(named, settings));
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> BicepBuildAsync(string file)
    {
        string bicep = typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Bicep").Value!;
        // NuGet extracts the binary without its execute bit.
        File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        var start = new ProcessStartInfo(bicep, ["build", file, "--stdout"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await errors);
    }

    private static string Configuration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    [GeneratedRegex("%([A-Za-z0-9_]+)%")]
    private static partial Regex SettingReference();
}
