using Hub.Domain.Catalog;
using Hub.Functions.Durable;

namespace Hub.Functions.Catalog;

public static class CatalogServices
{
    /// <summary>The service catalog's records (one aggregate per service) and their API.</summary>
    public static IServiceCollection AddCatalog(this IServiceCollection services) =>
        services.AddAggregate<ServiceEntryState, ServiceEntryCommand, ServiceEntryEvent, ServiceEntryDecider>()
            .AddAggregate<CertificateNoticeState, CertificateNoticeCommand, CertificateNoticeEvent, CertificateNoticeDecider>()
            .AddSingleton<ServiceCatalogReader>();
}
