using System.Globalization;

namespace Hub.Domain.Sites;

/// <summary>What a site command should do: the steps in the order they run, each for one service on one node.</summary>
/// <param name="Strategy">The Update strategy; null for the other commands.</param>
/// <param name="Tier">The deployment tier whose nodes the steps reach; null means every tier of each service.</param>
public sealed record SitePlan(string RunId, string Site, SiteCommand Command, UpdateStrategy? Strategy, string? Tier, bool KeepGoing, IReadOnlyList<PlannedStep> Steps);

/// <summary>
/// One step: <paramref name="Command"/> for <paramref name="Service"/> on <paramref name="Node"/>, sent to
/// <paramref name="AgentUrl"/>. <paramref name="StepId"/> is made from the run, the position and what the step does
/// (<see cref="IdOf"/>), so a resumed run sends the agent the same id again and the agent can tell a repeat.
/// </summary>
public sealed record PlannedStep(int Index, string StepId, string Service, string Tier, string Node, string ServerTier, string AgentUrl, StepCommand Command)
{
    /// <summary><c>{runId}:{index, three digits}:{service}:{node}:{command}</c>, e.g. <c>r1:004:app:app-2:install</c>.</summary>
    public static string IdOf(string runId, int index, string service, string node, StepCommand command) =>
        string.Create(CultureInfo.InvariantCulture, $"{runId}:{index:D3}:{service}:{node}:{command.ToString().ToLowerInvariant()}");
}

/// <summary>How a site command is to run.</summary>
/// <param name="RunId">The run's id, chosen by the caller (a name: letters, digits, '.', '_' or '-').</param>
/// <param name="KeepGoing">Run every step even after one fails, and report all failures (else the first stops the run).</param>
/// <param name="Strategy">For Update only.</param>
/// <param name="Tier">Reach only the nodes of this deployment tier (e.g. LIVE); null for every tier.</param>
public sealed record PlanOptions(string RunId, bool KeepGoing = false, UpdateStrategy Strategy = UpdateStrategy.StopAll, string? Tier = null);
