using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Domain.Durable;

namespace Hub.Domain.Sites;

/// <summary>A command to a site's runs. Serialized with a "type" discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(StartRun), "start-run")]
[JsonDerivedType(typeof(StepStarted), "step-started")]
[JsonDerivedType(typeof(StepCompleted), "step-completed")]
[JsonDerivedType(typeof(CancelRun), "cancel")]
public abstract record SiteRunCommand(string Actor);

/// <summary>Start a run of <paramref name="Plan"/> (from <see cref="SitePlanner.Plan"/>); refused while another run of the site is running.</summary>
/// <param name="Node">The node the notice subject names: the hub instance the command was run from.</param>
/// <param name="Recipients">The site's Recipient List, resolved to addresses.</param>
/// <param name="Change">The change whose installation (or rollback) this run is; its outcome is reported to the change.</param>
public sealed record StartRun(string Actor, SitePlan Plan, string Node, IReadOnlyList<string> Recipients, RunForChange? Change = null) : SiteRunCommand(Actor);

/// <summary>
/// A run that installs change <paramref name="Number"/> on <paramref name="Tier"/> (docs/changes.md): each step carries
/// <paramref name="Version"/> and <paramref name="Build"/> to the agent, and the run's end records the installation
/// on the change.
/// </summary>
public sealed record RunForChange(long Number, string Tier, string? Version, string? Build, bool Rollback);

/// <summary>The orchestration is about to send step <paramref name="StepId"/> to its agent.</summary>
public sealed record StepStarted(string Actor, string RunId, string StepId) : SiteRunCommand(Actor);

/// <summary>The agent answered step <paramref name="StepId"/> (directly or by callback).</summary>
public sealed record StepCompleted(string Actor, string RunId, string StepId, StepOutcome Outcome, string? Output = null, int? ExitCode = null) : SiteRunCommand(Actor);

/// <summary>Stop the run between steps: a running step finishes, nothing after it starts.</summary>
public sealed record CancelRun(string Actor, string RunId) : SiteRunCommand(Actor);

/// <summary>The payload of a <see cref="SiteRunDecider.StartEffect"/>: the run whose orchestration is to start.</summary>
public sealed record SiteRunStart(string Site, string RunId)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The orchestration instance of the run: one per run, so a redelivered start never runs it twice.</summary>
    public string InstanceId => $"site-run:{Site.ToLowerInvariant()}:{RunId}";

    public static SideEffect Effect(SiteRunStart start) => new(SiteRunDecider.StartEffect, JsonSerializer.Serialize(start, Json));

    public static SiteRunStart Parse(string payload) =>
        JsonSerializer.Deserialize<SiteRunStart>(payload, Json) ?? throw new FormatException("The site run start payload is null.");
}
