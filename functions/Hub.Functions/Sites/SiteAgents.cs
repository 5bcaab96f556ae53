using System.Globalization;
using Hub.Domain.Security;
using Hub.Domain.Sites;
using Hub.Functions.Hosting;

namespace Hub.Functions.Sites;

/// <summary>
/// The site agents the hub may send steps to, and their secrets (docs/sites.md): <c>Hub__Agents__{name}__Url</c> and
/// <c>Hub__Agents__{name}__Secret</c> (Standard Webhooks, <c>whsec_</c> then base64). A step goes to the agent URL the
/// catalog names for its node, signed with the secret of the configured agent whose URL that one starts with (the
/// longest such); a plan with a node whose agent has no secret here is refused before anything runs.
/// <c>Hub__SiteStepTimeouts__{Command}</c> (a time span) overrides a command's default time limit.
/// </summary>
public sealed class SiteAgents
{
    public const string Section = "Hub:Agents";
    public const string TimeoutSection = "Hub:SiteStepTimeouts";

    private readonly IReadOnlyList<SiteAgent> _agents;
    private readonly IReadOnlyDictionary<StepCommand, TimeSpan> _timeouts;

    public SiteAgents(IReadOnlyList<SiteAgent> agents, IReadOnlyDictionary<StepCommand, TimeSpan>? timeouts = null)
    {
        _agents = [.. (agents ?? throw new ArgumentNullException(nameof(agents))).OrderByDescending(a => a.Url.AbsoluteUri.Length)];
        _timeouts = timeouts ?? new Dictionary<StepCommand, TimeSpan>();
    }

    public IReadOnlyList<SiteAgent> All => _agents;

    /// <summary>Reads the settings; a malformed one stops the start, naming it.</summary>
    public static SiteAgents Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        var agents = new List<SiteAgent>();
        foreach (IConfigurationSection agent in configuration.GetSection(Section).GetChildren())
        {
            string prefix = $"Hub__Agents__{agent.Key}__";
            string? url = agent["Url"];
            string? secret = agent["Secret"];
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
            {
                problems.Add($"{prefix}Url must be an absolute https URL (http only to a loopback address).");
                continue;
            }

            if (secret is null || !StandardWebhooks.TryDecodeSecret(secret, out byte[] key))
            {
                problems.Add($"{prefix}Secret must be a Standard Webhooks secret (whsec_ then base64).");
                continue;
            }

            agents.Add(new SiteAgent(agent.Key, uri, key));
        }

        var timeouts = new Dictionary<StepCommand, TimeSpan>();
        foreach (IConfigurationSection timeout in configuration.GetSection(TimeoutSection).GetChildren())
        {
            if (!Enum.TryParse(timeout.Key, ignoreCase: true, out StepCommand command) || !Enum.IsDefined(command))
            {
                problems.Add($"Hub__SiteStepTimeouts__{timeout.Key} is not a step command ({string.Join(", ", Enum.GetNames<StepCommand>())}).");
            }
            else if (!TimeSpan.TryParse(timeout.Value, CultureInfo.InvariantCulture, out TimeSpan limit) || limit <= TimeSpan.Zero || limit > TimeSpan.FromHours(6))
            {
                problems.Add($"Hub__SiteStepTimeouts__{timeout.Key} must be a time span above 00:00:00 and at most 06:00:00.");
            }
            else
            {
                timeouts[command] = limit;
            }
        }

        return problems.Count > 0 ? throw new HubStartupException("Invalid settings: " + string.Join(" ", problems)) : new SiteAgents(agents, timeouts);
    }

    /// <summary>The configured agent that serves <paramref name="agentUrl"/>, or null when no secret is set for it.</summary>
    public SiteAgent? For(string agentUrl) =>
        Uri.TryCreate(agentUrl, UriKind.Absolute, out Uri? uri)
            ? _agents.FirstOrDefault(a => uri.AbsoluteUri.StartsWith(a.Url.AbsoluteUri, StringComparison.OrdinalIgnoreCase))
            : null;

    /// <summary>How long <paramref name="command"/> may run on the agent.</summary>
    public TimeSpan Timeout(StepCommand command) => _timeouts.TryGetValue(command, out TimeSpan limit) ? limit : AgentProtocol.DefaultTimeout(command);
}

/// <summary>A configured agent: its name in the settings, the URL it serves under, and its signing key.</summary>
public sealed record SiteAgent(string Name, Uri Url, byte[] Key);
