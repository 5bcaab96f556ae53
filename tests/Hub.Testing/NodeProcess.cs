using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Hub.Testing;

/// <summary>
/// A Node server from the repository's node_modules (Azurite, MailDev), run through <c>parent-bound.mjs</c> so that it
/// exits by itself when this test process is gone, however that ends: dotnet test kills its test host without running
/// AppDomain.ProcessExit, and servers that waited for that handler outlived every test run.
/// </summary>
internal sealed class NodeProcess
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeProcess(Process process)
    {
        _process = process;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>What the server wrote so far, for the message of a failed start.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="package">The npm package, for the message when it is not installed.</param>
    /// <param name="entry">The script, relative to node_modules.</param>
    public static NodeProcess Start(string package, string entry, string workingDirectory, params IEnumerable<string> arguments)
    {
        string root = Azurite.RepositoryRoot();
        string script = Path.Combine(root, "node_modules", entry);
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"{package} is not installed at {script}: run 'npm ci' in {root} (scripts/test.sh does).");
        }

        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                Path.Combine(root, "tests", "Hub.Testing", "parent-bound.mjs"),
                Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                script,
            },
            // Never written to: the wrapper exits when the system closes this pipe with this process.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start node for {package}.");
        var node = new NodeProcess(process);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Sends the server a signal by name (<c>STOP</c>, <c>CONT</c>, <c>TERM</c>), as kill(1) does.</summary>
    public void Signal(string name)
    {
        using Process kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + name, _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("Could not run kill.");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{name} {_process.Id} failed with {kill.ExitCode}.");
        }
    }

    /// <summary>Waits until the server has written <paramref name="text"/> at least <paramref name="count"/> times.</summary>
    public async Task WaitForOutputAsync(string text, int count, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (Occurrences(Output, text) < count)
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new TimeoutException($"The server did not write '{text}' {count} times within {timeout} (exited: {_process.HasExited}): {Output}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the server and waits until it is gone, so that its ports are free again.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static int Occurrences(string output, string text)
    {
        int count = 0;
        for (int at = output.IndexOf(text, StringComparison.Ordinal); at >= 0; at = output.IndexOf(text, at + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
