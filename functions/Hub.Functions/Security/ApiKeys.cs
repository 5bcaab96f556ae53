using System.Security.Cryptography;
using System.Text;
using Hub.Domain.Configuration;
using Hub.Functions.Hosting;

namespace Hub.Functions.Security;

/// <summary>
/// The API keys from settings <c>Hub__ApiKeys__&lt;name&gt;</c> = <c>&lt;role&gt;[,&lt;role&gt;...]:&lt;key&gt;</c>.
/// <see cref="Load(IConfiguration, IHostEnvironment)"/> refuses a bad setting with a <see cref="HubStartupException"/>
/// naming it (never the key): unknown role, key shorter than 16 characters, a key shared by two names, or a
/// development-only key (<c>dev-only-</c>) outside Development.
/// </summary>
public sealed class ApiKeys
{
    public const string Section = "Hub:ApiKeys";
    public const int MinimumKeyLength = 16;

    private static readonly string[] EnvironmentSettings = ["ASPNETCORE_ENVIRONMENT", "AZURE_FUNCTIONS_ENVIRONMENT", "DOTNET_ENVIRONMENT"];

    private readonly List<(ApiCaller Caller, byte[] KeyHash)> _keys;

    private ApiKeys(List<(ApiCaller Caller, byte[] KeyHash)> keys) => _keys = keys;

    public int Count => _keys.Count;

    /// <summary>
    /// Loads and validates the keys; Development is recognised from ASPNETCORE_ENVIRONMENT, AZURE_FUNCTIONS_ENVIRONMENT
    /// or DOTNET_ENVIRONMENT in <paramref name="settings"/> (as the hub chooses its environment), else Production.
    /// </summary>
    public static ApiKeys Load(IConfiguration settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string environment = EnvironmentSettings
            .Select(n => settings[n]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) ?? Environments.Production;
        return Load(settings, environment);
    }

    public static ApiKeys Load(IConfiguration settings, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);
        return Load(settings, environment.EnvironmentName);
    }

    /// <summary>The caller whose key this is, or null. Every key is compared, each in constant time.</summary>
    public ApiCaller? Find(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiCaller? found = null;
        foreach ((ApiCaller caller, byte[] keyHash) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, keyHash))
            {
                found = caller;
            }
        }

        return found;
    }

    private static ApiKeys Load(IConfiguration settings, string environment)
    {
        bool development = string.Equals(environment, Environments.Development, StringComparison.OrdinalIgnoreCase);
        var keys = new List<(ApiCaller Caller, byte[] KeyHash)>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (IConfigurationSection entry in settings.GetSection(Section).GetChildren().OrderBy(c => c.Key, StringComparer.OrdinalIgnoreCase))
        {
            string setting = $"Hub__ApiKeys__{entry.Key}";
            int colon = entry.Value?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (colon <= 0)
            {
                throw new HubStartupException($"Setting '{setting}' must be '<role>[,<role>...]:<key>' (roles: {RoleNames.All}).");
            }

            var roles = new HashSet<Role>();
            foreach (string name in entry.Value![..colon].Split(','))
            {
                if (!RoleNames.TryParse(name, out Role role))
                {
                    throw new HubStartupException($"Setting '{setting}' names an unknown role '{name.Trim()}' (roles: {RoleNames.All}).");
                }

                roles.Add(role);
            }

            string key = entry.Value[(colon + 1)..].Trim();
            if (key.Length < MinimumKeyLength)
            {
                throw new HubStartupException($"Setting '{setting}': the key is shorter than {MinimumKeyLength} characters.");
            }

            if (!development && key.StartsWith(DevelopmentCredentials.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                throw new HubStartupException(
                    $"Setting '{setting}' holds a development-only key ({DevelopmentCredentials.Prefix}...), which is refused in the '{environment}' " +
                    "environment; set a real key, or ASPNETCORE_ENVIRONMENT=Development for a local run.");
            }

            if (!owners.TryAdd(key, setting))
            {
                throw new HubStartupException($"Settings '{owners[key]}' and '{setting}' hold the same key; give each caller its own.");
            }

            keys.Add((new ApiCaller(entry.Key, roles), SHA256.HashData(Encoding.UTF8.GetBytes(key))));
        }

        return new ApiKeys(keys);
    }
}
