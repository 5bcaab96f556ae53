using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Domain.Sites;

/// <summary>
/// What the hub and a site agent say to each other (docs/sites.md, "Agent protocol"). The hub POSTs an
/// <see cref="AgentStepRequest"/> to the node's agent URL, signed per Standard Webhooks with the agent's secret; the
/// agent answers 200 with a signed <see cref="AgentStepResult"/>, or 202 and later POSTs the signed result to the
/// request's <see cref="AgentStepRequest.CallbackUrl"/>. A step id is run at most once: a repeat of it is answered
/// with the first run's result (or 202 while it is still running), never by running the command again.
/// </summary>
public static class AgentProtocol
{
    /// <summary>JSON on the wire: camelCase names, enums as their lower-case names, nulls left out.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };

    /// <summary>How long a command may run unless the service or the agent sets its own (seconds, documented).</summary>
    public static TimeSpan DefaultTimeout(StepCommand command) => command switch
    {
        StepCommand.Status => TimeSpan.FromSeconds(30),
        StepCommand.Install => TimeSpan.FromMinutes(10),
        _ => TimeSpan.FromMinutes(2),
    };

    /// <summary>The most output a result carries: the last this many characters of stdout and stderr together.</summary>
    public const int OutputTail = 4000;
}

/// <summary>One step, as the hub sends it to the agent.</summary>
/// <param name="Command">start, stop, status, install or configure.</param>
/// <param name="TimeoutSeconds">How long the command may run before the agent kills it and reports it failed.</param>
/// <param name="CallbackUrl">Where the agent may POST the result later instead of answering at once (then it answers 202).</param>
/// <param name="Version">For a change's installation (docs/changes.md): the version it delivers, when it names one.</param>
/// <param name="Build">For a change's installation: the loadset to install (the change's build, or last-known-good on a rollback).</param>
public sealed record AgentStepRequest(
    string RunId, string StepId, string Site, string Service, string Node, string Tier, StepCommand Command, int TimeoutSeconds, string? CallbackUrl = null,
    string? Version = null, string? Build = null);

/// <summary>What became of one step, as the agent reports it (in its 200 answer or in its callback).</summary>
/// <param name="Outcome">succeeded when the command exited 0, else failed (a timeout is failed with <paramref name="TimedOut"/>).</param>
/// <param name="ExitCode">The command's exit code; null when it was killed or could not start.</param>
/// <param name="Output">The tail of stdout and stderr together (at most <see cref="AgentProtocol.OutputTail"/> characters).</param>
public sealed record AgentStepResult(
    string StepId, StepOutcome Outcome, int? ExitCode, string? Output, DateTimeOffset StartedAt, DateTimeOffset EndedAt, bool TimedOut = false);
