namespace Hub.Domain.Catalog;

/// <summary>What an alert's or incident's ticket shows of its service's catalog record.</summary>
public sealed record ServiceFacts(string Service, string? RunBookUrl, string? DrCategory)
{
    public static ServiceFacts Of(ServiceRecord record) =>
        new((record ?? throw new ArgumentNullException(nameof(record))).Name, record.RunBookUrl, record.DrCategory);
}
