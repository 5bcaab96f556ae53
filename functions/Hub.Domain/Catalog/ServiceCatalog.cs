namespace Hub.Domain.Catalog;

/// <summary>The catalogued services, each already valid; names compare case-insensitively.</summary>
public sealed record ServiceCatalog(IReadOnlyList<ServiceRecord> Services)
{
    public IReadOnlyList<ServiceRecord> Services { get; init; } = Services ?? [];

    public static ServiceCatalog Empty { get; } = new([]);

    public ServiceRecord? Service(string name) =>
        Services.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
