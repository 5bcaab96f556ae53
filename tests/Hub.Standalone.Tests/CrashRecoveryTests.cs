using System.Diagnostics;
using System.Net;
using Hub.Standalone.TestFunctions;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Standalone.Tests;

public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task Approval_HostKilledMidOrchestration_AnotherInstanceCompletesItWithinAMinute()
    {
        Azurite azurite = await Azurite.SharedAsync();
        Dictionary<string, string?> settings = TestHost.Settings(azurite);
        int port = Azurite.FreePort();
        using Process first = StartRunner(settings, port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Poll.UntilAsync(() => IsUpAsync(http), up => up, TimeSpan.FromSeconds(60));

        HttpResponseMessage started = await http.PostAsync(new Uri("/api/approvals/kim?wait=3", UriKind.Relative), null);
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();
        var stopwatch = Stopwatch.StartNew();
        var probe = new Probe();
        await using TestHost second = await TestHost.StartAsync(probe, settings);
        DurableTaskClient client = second.Services.GetRequiredService<DurableTaskClient>();
        using var within = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        // Raised only once the instance waits for it: an event reaching a partition before the instance's start message
        // (still hidden by the killed host) would be dropped by DTFx as one for an instance that does not exist.
        OrchestrationMetadata? waiting = await Poll.UntilAsync(
            () => client.GetInstanceAsync("approval-kim", getInputsAndOutputs: true, within.Token),
            m => m?.SerializedCustomStatus == "\"waiting for decision\"",
            TimeSpan.FromSeconds(90));
        TimeSpan resumedAfter = stopwatch.Elapsed;
        await client.RaiseEventAsync("approval-kim", "decision", "approved", within.Token);
        OrchestrationMetadata done = await client.WaitForInstanceCompletionAsync("approval-kim", getInputsAndOutputs: true, within.Token);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("\"waiting for decision\"", waiting?.SerializedCustomStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("\"hello kim: approved\"", done.SerializedOutput);
        // The 3 s durable timer plus DTFx's partition lease (30 s) and the control-queue visibility (30 s) overlap.
        Assert.True(resumedAfter < TimeSpan.FromSeconds(63), $"the orchestration reached its event wait {resumedAfter} after the kill");
    }

    private static Process StartRunner(Dictionary<string, string?> settings, int port)
    {
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        string runner = Path.Combine(Azurite.RepositoryRoot(), "tests", "Hub.Standalone.TestRunner", "bin", configuration, "net10.0", "Hub.Standalone.TestRunner.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { runner, TestHost.TestAppFolder },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach ((string key, string? value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the test runner.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<bool> IsUpAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync(new Uri("/api/items/1", UriKind.Relative))).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
