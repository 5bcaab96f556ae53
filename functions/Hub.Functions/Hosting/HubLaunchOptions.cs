namespace Hub.Functions.Hosting;

/// <summary>How to start a hub: command-line arguments, settings that win over every other source (used by tests and
/// tools), and extra service registrations such as test aggregates.</summary>
public sealed record HubLaunchOptions
{
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Keys in app-setting (<c>Hub__AdminKey</c>) or configuration (<c>Hub:AdminKey</c>) spelling.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>
    /// Adds the host that runs the [Function] classes (the standalone host) once the hub's services are in: given the
    /// builder, the folder holding host.json, and the hub's identity.
    /// </summary>
    public Action<WebApplicationBuilder, string, HubHostInfo>? ConfigureHost { get; init; }

    /// <summary>Maps that host's HTTP functions on the built application.</summary>
    public Action<WebApplication>? MapHost { get; init; }
}
