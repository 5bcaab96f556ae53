using System.Diagnostics;
using Hub.Testing;

namespace Hub.Bench;

/// <summary>Time from process start to the first 200 from a health URL, for the published hub and a plain web app.</summary>
internal static class ColdStartBench
{
    private const int Runs = 5;

    public static async Task RunAsync(string hubDir, string plainDir)
    {
        Azurite azurite = await Azurite.SharedAsync();
        var env = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Hub__AdminKey"] = Guid.NewGuid().ToString("N"),
            ["Hub__FunctionsRoot"] = hubDir,
        };
        foreach ((string key, string? value) in SourceSecrets.Shipped)
        {
            env[key] = value!;
        }

        double hub = await MedianAsync(Path.Combine(hubDir, "Hub.Standalone"), "/api/health", env, "Hub__Urls");
        double plain = await MedianAsync(Path.Combine(plainDir, "plain"), "/", [], "ASPNETCORE_URLS");
        Report.Line("cold start to first 200, published standalone hub (median of 5)", $"{hub:F0} ms");
        Report.Line("cold start, plain 'dotnet new web' published the same way", $"{plain:F0} ms");
        Report.Line("cold start ratio hub / plain", $"{hub / plain:F2}x", "<= 1.5x");
    }

    private static async Task<double> MedianAsync(string exe, string path, Dictionary<string, string> env, string urlSetting)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var times = new List<double>();
        for (int run = 0; run < Runs; run++)
        {
            int port = Azurite.FreePort();
            var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var (k, v) in env)
            {
                start.Environment[k] = v;
            }

            start.Environment[urlSetting] = $"http://127.0.0.1:{port}";
            var sw = Stopwatch.StartNew();
            using Process process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                while (true)
                {
                    if (process.HasExited || sw.Elapsed > TimeSpan.FromSeconds(60))
                    {
                        throw new InvalidOperationException($"{exe} exited or did not answer {path} within 60 s");
                    }

                    try
                    {
                        using HttpResponseMessage response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));
                        if ((int)response.StatusCode == 200)
                        {
                            break;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // Not listening yet.
                    }

                    await Task.Delay(5);
                }

                times.Add(sw.Elapsed.TotalMilliseconds);
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        times.Sort();
        return times[Runs / 2];
    }
}
