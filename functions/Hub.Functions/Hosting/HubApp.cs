using System.Globalization;
using System.Text.RegularExpressions;
using Hub.Domain.Configuration;
using Hub.Functions.Configuration;
using Hub.Functions.Catalog;
using Hub.Functions.Changes;
using Hub.Functions.Connectors;
using Hub.Functions.OpenApi;
using Hub.Functions.Intake;
using Hub.Functions.Security;
using Hub.Functions.Sites;
using Hub.Functions.Releases;
using Hub.Functions.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Health;
using Hub.Functions.Incidents;
using Hub.Functions.Notifications;
using Hub.Functions.Housekeeping;
using Hub.Functions.Idempotency;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hub.Functions.Hosting;

/// <summary>
/// Builds the hub on the standalone host: settings (local.settings.json Values, then environment, then arguments),
/// validation that refuses a bad start, the hub's services (<see cref="AddHub"/>, which the Function App calls too),
/// then the host that runs the [Function] classes (<see cref="HubLaunchOptions.ConfigureHost"/>) and the endpoints not
/// yet ported onto functions. Program and the tests start the hub the same way.
/// </summary>
public static partial class HubApp
{
    public const string DefaultStandaloneUrl = "http://127.0.0.1:7071";

    public static WebApplication Build(HubLaunchOptions launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        Dictionary<string, string?> overrides = launch.Settings.ToDictionary(p => LocalSettings.Flatten(p.Key), p => p.Value, StringComparer.OrdinalIgnoreCase);
        IConfiguration early = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(overrides).Build();
        string appRoot = FunctionsRootLocator.Locate(early["Hub:FunctionsRoot"]);
        IReadOnlyDictionary<string, string?> local = LocalSettings.Load(Path.Combine(appRoot, LocalSettings.FileName));
        if (string.IsNullOrWhiteSpace(early["Hub:FunctionsRoot"]) && local.GetValueOrDefault("Hub:FunctionsRoot") is { Length: > 0 } fromLocal)
        {
            // local.settings.json is found through the default root, and may then point elsewhere.
            appRoot = FunctionsRootLocator.Locate(fromLocal);
        }

        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. launch.Args],
            EnvironmentName = EnvironmentName(early, local),
            ContentRootPath = AppContext.BaseDirectory,
        });
        ConfigureSources(builder, local, overrides, launch.Args);
        ConfigurationManager configuration = builder.Configuration;

        HubOptions options = configuration.GetSection(HubOptions.Section).Get<HubOptions>() ?? new HubOptions();
        string listen = ListenUrls(options, configuration);
        builder.WebHost.UseUrls(listen);
        HubHostInfo host = AddHub(builder.Services, configuration, builder.Environment, HostMode.Standalone, appRoot, listen);
        launch.ConfigureServices?.Invoke(builder.Services);
        launch.ConfigureHost?.Invoke(builder, appRoot, host);

        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        launch.MapHost?.Invoke(app);
        app.MapHubOpenApi();

        app.Logger.LogInformation(
            "Hub {InstanceId} starting on the standalone host ({Environment}) from {Root}; built in {BuildMs:F0} ms",
            host.InstanceId, host.EnvironmentName, appRoot, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return app;
    }

    /// <summary>
    /// Validates the hub's settings (a <see cref="HubStartupException"/> names what is wrong) and registers every
    /// service the hub's functions use. Both hosts call it: the standalone host through <see cref="Build"/>, the
    /// Function App from its Program.cs. <paramref name="baseDirectory"/> anchors a relative Hub__Config path;
    /// <paramref name="listen"/> is the standalone host's listen URL (null under the Functions host).
    /// </summary>
    public static HubHostInfo AddHub(
        IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, HostMode mode, string baseDirectory, string? listen)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        HubOptions options = configuration.GetSection(HubOptions.Section).Get<HubOptions>() ?? new HubOptions();
        TimeZoneInfo timeZone = ValidateEarly(configuration, environment, options);
        // Parse the connection now so a bad setting stops the start, not the first request.
        _ = new StorageAccounts(configuration).Get();
        try
        {
            // A function without its access attribute stops the start on both hosts, before any request reaches it.
            Http.HttpFunctionGuard.Verify(Http.HttpFunctionGuard.HttpFunctionsOf(typeof(HubApp).Assembly));
        }
        catch (InvalidOperationException ex)
        {
            throw new HubStartupException(ex.Message, ex);
        }

        HubConfiguration domain = LoadDomainConfiguration(configuration, baseDirectory);
        ValidateSecrets(configuration, environment, domain);
        if (domain.Queue(options.CertificateQueue) is null)
        {
            throw new HubStartupException(
                $"Invalid settings: Hub__CertificateQueue '{options.CertificateQueue}' is not a queue of the domain configuration ({string.Join(", ", domain.Queues.Select(q => q.Name))}).");
        }
        var host = new HubHostInfo(mode, options.HostId, InstanceId(options, configuration), environment.EnvironmentName, timeZone, PublicUrl(mode, options, configuration, listen ?? DefaultStandaloneUrl));
        AddServices(services, options, host);
        services.AddSingleton(domain);
        services.AddIdempotency();
        services.AddTickets();
        services.AddReleases();
        services.AddConnectors();
        services.AddIncidents();
        services.AddCatalog();
        services.AddSites(configuration);
        services.AddChanges();
        services.AddSingleton<Hub.Functions.Dashboard.DashboardSessions>();
        services.AddSingleton<Hub.Functions.Dashboard.DashboardGuard>();
        services.AddMailDelivery(configuration);
        services.AddHubSecurity();
        services.AddIntake();
        services.AddIntakeLimits(configuration);
        services.AddHubOpenApi();
        services.AddSingleton<Http.HttpFunctionGuard>();
        return host;
    }

    private static TimeZoneInfo ValidateEarly(IConfiguration configuration, IHostEnvironment environment, HubOptions options)
    {
        string[] problems = options.Validate().ToArray();
        if (problems.Length > 0)
        {
            throw new HubStartupException("Invalid settings: " + string.Join(" ", problems));
        }

        _ = ApiKeys.Load(configuration, environment);
        return TimeZone(options, configuration);
    }

    // Every webhook source the configuration lists can authenticate, or the hub does not start: a source whose secret
    // nobody set would answer every delivery 401, and a log warning is easy to miss.
    private static void ValidateSecrets(IConfiguration configuration, IHostEnvironment environment, HubConfiguration domain)
    {
        DevelopmentCredentials.Check(
            configuration, environment, domain.Sources.SelectMany(s => s.SecretSettings).Concat(domain.Connectors.Select(c => c.SecretSetting)));
        string[] problems = WebhookSecrets.Problems(domain.Sources, configuration).ToArray();
        if (problems.Length > 0)
        {
            throw new HubStartupException("Invalid settings: " + string.Join(" ", problems));
        }
    }

    private static void ConfigureSources(
        WebApplicationBuilder builder, IReadOnlyDictionary<string, string?> local, Dictionary<string, string?> overrides, IReadOnlyList<string> args)
    {
        // Rebuilt in the Functions host's order: local.settings.json Values are overridden by real environment variables.
        IConfigurationBuilder sources = builder.Configuration;
        builder.Configuration.Sources.Clear();
        sources
            .AddInMemoryCollection(Defaults())
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, $"appsettings.{builder.Environment.EnvironmentName}.json"), optional: true, reloadOnChange: false)
            .AddInMemoryCollection(local)
            .AddEnvironmentVariables()
            .AddCommandLine([.. args])
            .AddInMemoryCollection(overrides);
    }

    // Settings that the trigger attributes name (%Hub__X%) must resolve on the standalone host even when nobody set them
    // (the Functions host reads app settings only: infra/main.bicep sets them there).
    private static Dictionary<string, string?> Defaults()
    {
        var defaults = new HubOptions();
        return new Dictionary<string, string?>
        {
            ["Hub:HousekeepingSchedule"] = defaults.HousekeepingSchedule,
            ["Hub:OutboxRelaySchedule"] = defaults.OutboxRelaySchedule,
            ["Hub:DurableName"] = defaults.DurableName,
            ["Hub:DailyStatusSchedule"] = Incidents.DailyStatusHandler.DefaultSchedule,
            ["Hub:CertificateCheckSchedule"] = defaults.CertificateCheckSchedule,
        };
    }

    private static string EnvironmentName(IConfiguration early, IReadOnlyDictionary<string, string?> local)
    {
        string[] names = ["ASPNETCORE_ENVIRONMENT", "AZURE_FUNCTIONS_ENVIRONMENT", "DOTNET_ENVIRONMENT"];
        return names.Select(n => early[n]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))
               ?? names.Select(n => local.GetValueOrDefault(n)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))
               ?? Environments.Production;
    }

    private static TimeZoneInfo TimeZone(HubOptions options, IConfiguration configuration)
    {
        (string setting, string? id) = options.TimeZone is { Length: > 0 } hub ? ("Hub__TimeZone", hub) : ("WEBSITE_TIME_ZONE", configuration["WEBSITE_TIME_ZONE"]);
        if (string.IsNullOrWhiteSpace(id))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new HubStartupException($"Setting '{setting}': time zone '{id}' is unknown (use an IANA id such as Europe/Zurich).");
        }
    }

    private static HubConfiguration LoadDomainConfiguration(IConfiguration configuration, string baseDirectory)
    {
        try
        {
            return HubConfigurationLoader.LoadFromSettingAsync(configuration, baseDirectory, ReadBlobAsync, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (HubConfigurationException ex)
        {
            throw new HubStartupException(ex.Message, ex);
        }

        // A blob:<container>/<name> configuration lives in the hub's own storage account.
        async Task<string?> ReadBlobAsync(string path, CancellationToken ct)
        {
            int slash = path.IndexOf('/', StringComparison.Ordinal);
            var container = new StorageAccounts(configuration).Get().GetBlobContainerClient(path[..slash]);
            return (await Hub.Storage.Blobs.BlobClientExtensions.DownloadContentOrDefaultAsync(container.GetBlobClient(path[(slash + 1)..]), ct))?.ToString();
        }
    }

    private static string InstanceId(HubOptions options, IConfiguration configuration)
    {
        if (options.InstanceId is { Length: > 0 } configured)
        {
            return configured;
        }

        string raw = configuration["WEBSITE_INSTANCE_ID"] is { Length: > 0 } azure
            ? azure
            : $"{Environment.MachineName}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        string safe = UnsafeNameCharacters().Replace(raw.ToLowerInvariant(), "-");
        return safe.Length > 64 ? safe[..64] : safe;
    }

    private static Uri PublicUrl(HostMode mode, HubOptions options, IConfiguration configuration, string listen) =>
        (options.PublicUrl is { OriginalString.Length: > 0 } configured ? configured : null)
        ?? (configuration["WEBSITE_HOSTNAME"] is { Length: > 0 } site ? new Uri($"https://{site}")
            : mode == HostMode.Standalone && Uri.TryCreate(listen.Split(';')[0].Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out Uri? url)
                ? new Uri(url.GetLeftPart(UriPartial.Authority))
                : new Uri("http://localhost:7071"));

    private static string ListenUrls(HubOptions options, ConfigurationManager configuration) =>
        options.Urls is { Length: > 0 } urls ? urls
        : configuration["ASPNETCORE_URLS"] is { Length: > 0 } aspnet ? aspnet
        : DefaultStandaloneUrl;

    private static void AddServices(IServiceCollection services, HubOptions options, HubHostInfo host)
    {
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => Http.RequestJson.Configure(json.SerializerOptions));
        services.AddExceptionHandler<StorageExceptionHandler>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(host);
        services.AddSingleton(sp => new StorageAccounts(
            sp.GetRequiredService<IConfiguration>(), sp.GetService<Hub.Storage.Account.StorageRequestCounter>()));
        services.AddSingleton<StorageProbe>();
        services.AddSingleton<HeartbeatStore>();
        services.AddDurableRuntime();
    }

    [GeneratedRegex("[^a-z0-9._-]")]
    private static partial Regex UnsafeNameCharacters();
}
