namespace Hub.Functions.Hosting;

/// <summary>
/// Refuses development-only credentials outside Development: the admin key shipped in local.settings.sample.json and
/// any value starting with <c>dev-only-</c>. The error names the setting, never the value.
/// </summary>
internal static class DevelopmentCredentials
{
    public const string Prefix = "dev-only-";

    public const string SampleAdminKey = "dev-only-admin-key-for-local-runs";

    public static void Check(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            return;
        }

        foreach ((string key, string? value) in configuration.AsEnumerable().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value is not null && (value == SampleAdminKey || value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)))
            {
                throw new HubStartupException(
                    $"Setting '{key.Replace(":", "__", StringComparison.Ordinal)}' holds a development-only credential, which is refused in the " +
                    $"'{environment.EnvironmentName}' environment; set a real value, or ASPNETCORE_ENVIRONMENT=Development for a local run.");
            }
        }
    }
}
