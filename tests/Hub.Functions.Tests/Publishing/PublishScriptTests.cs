using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Functions.Tests.Publishing;

/// <summary>
/// scripts/publish.sh builds the zip Azure runs for dotnet-isolated: the Worker.Sdk's publish of Hub.App, with the
/// repository's host.json, functions.metadata, worker.config.json, extensions.json and .azurefunctions/.
/// </summary>
public sealed class PublishScriptTests
{
    [Fact]
    public async Task PublishScript_DotnetIsolated_ZipHasTheWorkerItsMetadataAndNoCustomHandler()
    {
        string root = Azurite.RepositoryRoot();
        string work = Path.Combine(Path.GetTempPath(), "hub-publish-" + Guid.NewGuid().ToString("N"));
        string zip = Path.Combine(work, "hub.zip");

        (int exitCode, string output) = await RunPublishAsync(root, zip, Path.Combine(work, "app"));

        Assert.True(exitCode == 0, output);
        using ZipArchive archive = ZipFile.OpenRead(zip);
        var entries = archive.Entries.Select(e => e.FullName.Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(entries, new HashSet<string>(StringComparer.Ordinal)
        {
            "host.json", "functions.metadata", "worker.config.json", "extensions.json", "Hub.App.dll", "Hub.App.deps.json",
            "Hub.Functions.dll", "config/hub.yaml", ".azurefunctions/Microsoft.Azure.WebJobs.Extensions.FunctionMetadataLoader.dll",
        });
        Assert.DoesNotContain(entries, e => e.EndsWith("function.json", StringComparison.Ordinal) || e == "local.settings.json");

        string hostJson = await ReadAsync(archive, "host.json");
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(root, "host.json")), hostJson);
        using JsonDocument host = JsonDocument.Parse(hostJson);
        Assert.False(host.RootElement.TryGetProperty("customHandler", out _), "host.json still has a customHandler section");
        Assert.False(host.RootElement.TryGetProperty("extensionBundle", out _), "an isolated worker brings its extensions in extensions.json, not a bundle");

        using JsonDocument worker = JsonDocument.Parse(await ReadAsync(archive, "worker.config.json"));
        JsonElement description = worker.RootElement.GetProperty("description");
        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        Assert.Equal("Hub.App.dll", description.GetProperty("defaultWorkerPath").GetString());

        // Every function and every host extension points at a file the zip carries.
        using JsonDocument metadata = JsonDocument.Parse(await ReadAsync(archive, "functions.metadata"));
        Assert.NotEmpty(metadata.RootElement.EnumerateArray());
        Assert.All(metadata.RootElement.EnumerateArray(), f =>
        {
            Assert.Equal("dotnet-isolated", f.GetProperty("language").GetString());
            Assert.Contains(f.GetProperty("scriptFile").GetString()!, entries);
        });
        using JsonDocument extensions = JsonDocument.Parse(await ReadAsync(archive, "extensions.json"));
        Assert.All(extensions.RootElement.GetProperty("extensions").EnumerateArray(), e =>
            Assert.Contains(Path.GetRelativePath(".", e.GetProperty("hintPath").GetString()!).Replace('\\', '/'), entries));
        Directory.Delete(work, recursive: true);
    }

    private static async Task<(int ExitCode, string Output)> RunPublishAsync(string root, string zip, string appFolder)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "publish.sh"), zip])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.Environment["PUBLISH_APP_DIR"] = appFolder;
        // This project's build has just built Hub.App (a project reference orders it first): a Release build is
        // packaged as it is rather than built again.
        if (new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name == "Release")
        {
            start.Environment["PUBLISH_NO_BUILD"] = "1";
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output + await errors);
    }

    private static async Task<string> ReadAsync(ZipArchive archive, string name)
    {
        using var reader = new StreamReader(archive.GetEntry(name)!.Open());
        return await reader.ReadToEndAsync();
    }
}
