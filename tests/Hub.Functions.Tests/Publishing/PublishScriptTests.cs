using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Hub.Testing;

namespace Hub.Functions.Tests.Publishing;

/// <summary>scripts/publish.sh builds the Functions app package that zip deploy expects.</summary>
public sealed class PublishScriptTests
{
    [Fact]
    public async Task PublishScript_BuildsZipWithHostJsonEveryFunctionAndTheExecutable()
    {
        string root = Azurite.RepositoryRoot();
        string work = Path.Combine(Path.GetTempPath(), "hub-publish-" + Guid.NewGuid().ToString("N"));
        string zip = Path.Combine(work, "hub.zip");
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "publish.sh"), zip])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.Environment["PUBLISH_APP_DIR"] = Path.Combine(work, "app");

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));

        Assert.True(process.ExitCode == 0, await output + await errors);
        using ZipArchive archive = ZipFile.OpenRead(zip);
        var entries = archive.Entries.Select(e => e.FullName.Replace('\\', '/')).ToHashSet();
        Assert.Contains("host.json", entries);
        foreach (string folder in Directory.GetDirectories(Path.Combine(root, "functions")).Where(d => File.Exists(Path.Combine(d, "function.json"))))
        {
            Assert.Contains($"{Path.GetFileName(folder)}/function.json", entries);
        }

        using JsonDocument host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "host.json")));
        string exe = host.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;
        ZipArchiveEntry executable = archive.GetEntry(exe)!;
        Assert.NotNull(executable);
        Assert.True(executable.ExternalAttributes >> 16 is var mode && (mode & 0b001_001_001) != 0, $"{exe} is not executable in the zip (mode {Convert.ToString(mode, 8)})");
        Directory.Delete(work, recursive: true);
    }
}
