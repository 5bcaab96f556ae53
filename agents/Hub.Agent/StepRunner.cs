using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hub.Domain.Sites;

namespace Hub.Agent;

/// <summary>
/// Runs each step id at most once. A new step is recorded as running, its command run by <c>/bin/sh -c</c> in a
/// process group of its own (setsid) with the step's HUB_* variables, and its result recorded when it ends. A
/// repeat of a step id gets the recorded result, or joins the run in progress; a step a previous agent process
/// left running (the agent was restarted under it) is reported failed and not run again.
/// </summary>
public sealed class StepRunner(AgentSettings settings, StepStore store, TimeProvider clock, ILogger<StepRunner> logger)
{
    /// <summary>This process's id in the step records.</summary>
    public static readonly string ProcessId = Guid.NewGuid().ToString("N");

    // After the shell exits, how long output still being written is waited for (a daemon holding the pipe never ends it).
    private static readonly TimeSpan OutputGrace = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, Task<AgentStepResult>> _running = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The step's result: recorded, in progress, or started now. Null when the step id is known with another request.</summary>
    public Task<AgentStepResult>? Run(AgentStepRequest request, AgentService service)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            if (_running.TryGetValue(request.StepId, out Task<AgentStepResult>? running))
            {
                return Same(store.Read(request.StepId)?.Request, request) ? running : null;
            }

            if (store.Read(request.StepId) is { } record)
            {
                if (!Same(record.Request, request))
                {
                    return null;
                }

                if (record.Result is { } result)
                {
                    return Task.FromResult(result);
                }

                // Running by a process that is gone: what the command did is unknown; it is not run again.
                DateTimeOffset now = clock.GetUtcNow();
                var cut = new AgentStepResult(request.StepId, StepOutcome.Failed, null,
                    "the agent restarted while the step ran; it was not run again: check the service by hand", now, now);
                store.Write(record with { Result = cut });
                logger.LogWarning("Step {StepId} was left running by an earlier agent process; reported failed", request.StepId);
                return Task.FromResult(cut);
            }

            store.Write(new StepRecord(request, ProcessId, null));
            Task<AgentStepResult> started = Task.Run(() => ExecuteAsync(request, service));
            _running[request.StepId] = started;
            return started;
        }
    }

    private static bool Same(AgentStepRequest? a, AgentStepRequest b) =>
        a is not null && a.RunId == b.RunId && a.Site == b.Site && string.Equals(a.Service, b.Service, StringComparison.OrdinalIgnoreCase)
        && a.Node == b.Node && a.Tier == b.Tier && a.Command == b.Command;

    private async Task<AgentStepResult> ExecuteAsync(AgentStepRequest request, AgentService service)
    {
        DateTimeOffset started = clock.GetUtcNow();
        AgentStepResult result;
        try
        {
            result = await ShellAsync(request, service, started);
        }
#pragma warning disable CA1031 // whatever went wrong is the step's result: the hub must hear of it
        catch (Exception e)
#pragma warning restore CA1031
        {
            result = new AgentStepResult(request.StepId, StepOutcome.Failed, null, $"the agent could not run the command: {e.Message}", started, clock.GetUtcNow());
        }

        lock (_gate)
        {
            store.Write(new StepRecord(request, ProcessId, result));
            _running.TryRemove(request.StepId, out _);
        }

        logger.LogInformation("Step {StepId}: {Command} {Service} on {Node} {Outcome} (exit {ExitCode}{TimedOut})",
            request.StepId, request.Command, request.Service, request.Node, result.Outcome, result.ExitCode, result.TimedOut ? ", timed out" : "");
        return result;
    }

    private async Task<AgentStepResult> ShellAsync(AgentStepRequest request, AgentService service, DateTimeOffset started)
    {
        var start = new ProcessStartInfo("setsid")
        {
            ArgumentList = { "/bin/sh", "-c", service.Commands[request.Command] },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = service.WorkingDirectory ?? settings.StateDirectory,
        };
        start.Environment["HUB_RUN_ID"] = request.RunId;
        start.Environment["HUB_STEP_ID"] = request.StepId;
        start.Environment["HUB_SITE"] = request.Site;
        start.Environment["HUB_SERVICE"] = request.Service;
        start.Environment["HUB_NODE"] = request.Node;
        start.Environment["HUB_TIER"] = request.Tier;
        start.Environment["HUB_COMMAND"] = request.Command.ToString().ToLowerInvariant();
        // A change's installation names what to install (docs/agent.md); other steps leave both unset.
        SetOrClear(start, "HUB_VERSION", request.Version);
        SetOrClear(start, "HUB_BUILD", request.Build);

        var tail = new OutputTail(AgentProtocol.OutputTail);
        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.Start();
        process.StandardInput.Close();
        Task output = Task.WhenAll(tail.ReadAsync(process.StandardOutput), tail.ReadAsync(process.StandardError));

        bool timedOut = false;
        Task limit = Task.Delay(TimeSpan.FromSeconds(Math.Max(1, request.TimeoutSeconds)), clock);
        if (await Task.WhenAny(exited.Task, limit) == limit)
        {
            timedOut = true;
            KillGroup(process);
            await exited.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        // Output still in the pipe arrives within the grace; a daemon the command left holding the pipe is not waited for.
        await Task.WhenAny(output, Task.Delay(OutputGrace, clock));
        int? exitCode = timedOut ? null : process.ExitCode;
        string text = tail.Text;
        if (timedOut)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"\n[killed after {Math.Max(1, request.TimeoutSeconds)} s]");
        }

        return new AgentStepResult(request.StepId, exitCode == 0 ? StepOutcome.Succeeded : StepOutcome.Failed, exitCode, text, started, clock.GetUtcNow(), timedOut);
    }

    // The shell leads its own process group (setsid).
    private static void SetOrClear(ProcessStartInfo start, string name, string? value)
    {
        if (value is null)
        {
            start.Environment.Remove(name);
        }
        else
        {
            start.Environment[name] = value;
        }
    }

    private void KillGroup(Process process)
    {
        try
        {
            // Descendants first, while the shell still holds them (a daemon it started with setsid is one), then the group.
            process.Kill(entireProcessTree: true);
            using Process? kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-KILL", "--", "-" + process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false, RedirectStandardError = true });
            kill?.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            logger.LogWarning(e, "Could not kill the process group of {Pid}", process.Id);
        }
    }

    /// <summary>The last characters of stdout and stderr together, in the order they arrived.</summary>
    private sealed class OutputTail(int limit)
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public async Task ReadAsync(StreamReader reader)
        {
            char[] buffer = new char[4096];
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                lock (_text)
                {
                    _text.Append(buffer, 0, read);
                    if (_text.Length > limit)
                    {
                        int cut = _text.Length - limit;
                        if (char.IsLowSurrogate(_text[cut]))
                        {
                            cut++;
                        }

                        _text.Remove(0, cut);
                    }
                }
            }
        }
    }
}
