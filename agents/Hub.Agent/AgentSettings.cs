using Hub.Domain.Security;
using Hub.Domain.Sites;

namespace Hub.Agent;

/// <summary>
/// The agent's settings (docs/agent.md), read once at start: <c>Agent:Secret</c>, <c>Agent:StateDirectory</c>,
/// <c>Agent:Services:{service}:{command}</c> (a shell command per start, stop, status, install, configure),
/// <c>Agent:Services:{service}:WorkingDirectory</c> and <c>Agent:AnswerWithin</c>. Every problem is reported at
/// once, naming the setting, and the agent does not start.
/// </summary>
public sealed class AgentSettings
{
    /// <summary>How long the agent holds a request open before it answers 202 and sends the result by callback.</summary>
    public static readonly TimeSpan DefaultAnswerWithin = TimeSpan.FromSeconds(25);

    private AgentSettings(byte[] key, string stateDirectory, IReadOnlyDictionary<string, AgentService> services, TimeSpan answerWithin)
    {
        Key = key;
        StateDirectory = stateDirectory;
        Services = services;
        AnswerWithin = answerWithin;
    }

    public byte[] Key { get; }

    public string StateDirectory { get; }

    /// <summary>The services this agent runs commands for, by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, AgentService> Services { get; }

    public TimeSpan AnswerWithin { get; }

    public static AgentSettings Load(IConfiguration configuration, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        IConfigurationSection agent = configuration.GetSection("Agent");
        string secret = agent["Secret"] ?? "";
        byte[] key = [];
        if (secret.Length == 0)
        {
            errors.Add("Agent__Secret is required: the Standard Webhooks secret (whsec_...) the hub signs this agent's steps with.");
        }
        else if (!StandardWebhooks.TryDecodeSecret(secret, out key))
        {
            errors.Add("Agent__Secret must be whsec_ followed by base64.");
        }

        string state = agent["StateDirectory"] ?? "";
        if (state.Length == 0)
        {
            errors.Add("Agent__StateDirectory is required: where the agent records the steps it ran.");
        }

        TimeSpan answerWithin = DefaultAnswerWithin;
        if (agent["AnswerWithin"] is { Length: > 0 } within && (!TimeSpan.TryParse(within, System.Globalization.CultureInfo.InvariantCulture, out answerWithin) || answerWithin < TimeSpan.Zero))
        {
            errors.Add($"Agent__AnswerWithin '{within}' must be a time span such as 00:00:25.");
        }

        var services = new Dictionary<string, AgentService>(StringComparer.OrdinalIgnoreCase);
        foreach (IConfigurationSection service in agent.GetSection("Services").GetChildren())
        {
            var commands = new Dictionary<StepCommand, string>();
            foreach (IConfigurationSection entry in service.GetChildren().Where(e => !string.Equals(e.Key, "WorkingDirectory", StringComparison.OrdinalIgnoreCase)))
            {
                if (!Enum.TryParse(entry.Key, ignoreCase: true, out StepCommand command) || !Enum.IsDefined(command) || int.TryParse(entry.Key, out _))
                {
                    errors.Add($"Agent__Services__{service.Key}__{entry.Key}: '{entry.Key}' is not a command; commands are {string.Join(", ", Enum.GetNames<StepCommand>().Select(n => n.ToLowerInvariant()))}.");
                }
                else if (string.IsNullOrWhiteSpace(entry.Value))
                {
                    errors.Add($"Agent__Services__{service.Key}__{entry.Key} is empty: give the shell command, or leave the setting out.");
                }
                else
                {
                    commands[command] = entry.Value;
                }
            }

            services[service.Key] = new AgentService(service.Key, commands, service["WorkingDirectory"] is { Length: > 0 } wd ? wd : null);
        }

        if (services.Count == 0)
        {
            errors.Add("Agent__Services__<service>__<command> names no service: the agent would refuse every step.");
        }

        problems = errors;
        return new AgentSettings(key, state, services, answerWithin);
    }
}

/// <param name="Commands">The shell command (run by /bin/sh -c) for each command the service has.</param>
public sealed record AgentService(string Name, IReadOnlyDictionary<StepCommand, string> Commands, string? WorkingDirectory);
