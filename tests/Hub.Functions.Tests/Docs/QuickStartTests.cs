using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Functions.Tests.Support;
using Hub.Testing;
using Xunit.Abstractions;

namespace Hub.Functions.Tests.Docs;

/// <summary>
/// docs/quickstart.md, run as a new user would: every <c>sh</c> block in order, in one bash, against the real executable
/// started with local.settings.sample.json as shipped (only storage, the port and the task hub's name are the test's).
/// Each block must succeed and its output hold every <c># expect:</c> line of the block.
/// </summary>
public sealed partial class QuickStartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task QuickStart_EveryJourney_RunsAsWrittenAndAnswersWhatThePageSays()
    {
        string root = Azurite.RepositoryRoot();
        IReadOnlyList<string> blocks = Blocks(await File.ReadAllTextAsync(Path.Combine(root, "docs", "quickstart.md")));
        Assert.True(blocks.Count >= 8, $"docs/quickstart.md has {blocks.Count} sh blocks");
        Dictionary<string, string?> settings = await SampleSettingsAsync(root);
        await using HubChildProcess hub = HubChildProcess.Start(settings);
        string url = settings["Hub__Urls"]!;
        await hub.WaitForPortAsync(new Uri(url).Port, TimeSpan.FromSeconds(60));

        (int exit, string stdout, string stderr) = await RunAsync(Script(blocks), url, TimeSpan.FromMinutes(4));
        Dictionary<int, string> outputs = Outputs(stdout);

        output.WriteLine(stderr);
        Assert.True(exit == 0, $"the quick start stopped (exit {exit}) in block {outputs.Keys.DefaultIfEmpty(-1).Max()}: {stderr}\n{Tail(stdout)}\n{Tail(hub.Output)}");
        for (int i = 0; i < blocks.Count; i++)
        {
            foreach (string expected in Expectations(blocks[i]))
            {
                Assert.True(
                    outputs.TryGetValue(i, out string? text) && text.Contains(expected, StringComparison.Ordinal),
                    $"block {i} did not answer {expected}: {Tail(text ?? "(no output)")}");
            }
        }
    }

    [Fact]
    public void Expectations_EveryJourneyOfThePage_SaysWhatComesBack()
    {
        IReadOnlyList<string> blocks = Blocks(File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "docs", "quickstart.md")));

        Assert.All(blocks, b => Assert.NotEmpty(Expectations(b)));
    }

    /// <summary>The sample's values as shipped, with the test's storage, a free port and a task hub of its own.</summary>
    private static async Task<Dictionary<string, string?>> SampleSettingsAsync(string root)
    {
        using JsonDocument sample = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "local.settings.sample.json")));
        var settings = sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => (string?)p.Value.GetString(), StringComparer.OrdinalIgnoreCase);
        Azurite azurite = await Azurite.SharedAsync();
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["Hub__Urls"] = $"http://127.0.0.1:{Azurite.FreePort().ToString(CultureInfo.InvariantCulture)}";
        settings["Hub__DurableName"] = Azurite.UniqueName("q");
        settings["Hub__HostId"] = Azurite.UniqueName("h");
        settings["Hub__Config"] = Path.Combine(root, "config", "hub.yaml");
        return settings;
    }

    private static IReadOnlyList<string> Blocks(string markdown) => [.. ShBlock().Matches(markdown).Select(m => m.Groups[1].Value)];

    private static IEnumerable<string> Expectations(string block) => Expect().Matches(block).Select(m => m.Groups[1].Value.TrimEnd());

    // One bash for the whole page (the setup's variables serve every journey); a marker line before each block.
    private static string Script(IReadOnlyList<string> blocks)
    {
        var script = new StringBuilder("set -euo pipefail\n");
        for (int i = 0; i < blocks.Count; i++)
        {
            script.Append(CultureInfo.InvariantCulture, $"echo; echo '@@block {i}'\n").Append(blocks[i]).Append('\n');
        }

        return script.ToString();
    }

    private static Dictionary<int, string> Outputs(string stdout)
    {
        var outputs = new Dictionary<int, string>();
        string[] parts = Marker().Split(stdout);
        for (int i = 1; i + 1 < parts.Length; i += 2)
        {
            outputs[int.Parse(parts[i], CultureInfo.InvariantCulture)] = parts[i + 1];
        }

        return outputs;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string script, string hub, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["HUB"] = hub;
        using Process bash = Process.Start(start)!;
        Task<string> stdout = bash.StandardOutput.ReadToEndAsync();
        Task<string> stderr = bash.StandardError.ReadToEndAsync();
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await bash.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            throw new TimeoutException($"the quick start did not finish in {timeout}: {Tail(await stdout)}");
        }

        return (bash.ExitCode, await stdout, await stderr);
    }

    private static string Tail(string text) => text.Length <= 3000 ? text : text[^3000..];

    [GeneratedRegex(@"^```sh\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex ShBlock();

    [GeneratedRegex(@"^# expect: (.+)$", RegexOptions.Multiline)]
    private static partial Regex Expect();

    [GeneratedRegex(@"^@@block (\d+)\n", RegexOptions.Multiline)]
    private static partial Regex Marker();
}
