using System.Globalization;

namespace Hub.Domain.Catalog;

/// <summary>A certificate that expires within the lead time (or has expired) and needs a ticket for its service's owners.</summary>
/// <param name="Key">(service, tier, CN, expiry) as one string: open at most one ticket per key. A renewed certificate
/// has a new expiry, so when it nears expiry in turn it gets a new key and a new ticket.</param>
/// <param name="Servers">Where the certificate is installed, every server that listed it.</param>
public sealed record CertificateDue(
    string Key, string Service, string Tier, string CommonName, DateTimeOffset Expiry, bool Expired, string? Authority, IReadOnlyList<string> Servers, IReadOnlyList<string> Owners);

/// <summary>Which certificates of the catalog need a ticket now.</summary>
public static class CertificateExpiry
{
    /// <summary>
    /// Every certificate whose expiry is at or before <paramref name="now"/> + <paramref name="leadTime"/>, one per
    /// (service, tier, CN, expiry) however many servers list it, soonest first. Certificates without an expiry are
    /// left to the validator.
    /// </summary>
    public static IReadOnlyList<CertificateDue> Due(ServiceCatalog catalog, TimeSpan leadTime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentOutOfRangeException.ThrowIfLessThan(leadTime, TimeSpan.Zero);
        DateTimeOffset horizon = now + leadTime;
        return catalog.Services
            .SelectMany(s => s.Tiers.SelectMany(t => t.Certificates.Select(c => (Service: s, Tier: t, Cert: c))))
            .Where(x => x.Cert.Expiry is { } expiry && expiry <= horizon && !string.IsNullOrWhiteSpace(x.Cert.CommonName))
            .GroupBy(x => KeyOf(x.Service.Name, x.Tier.Name, x.Cert.CommonName, x.Cert.Expiry!.Value))
            .Select(g =>
            {
                var first = g.First();
                DateTimeOffset expiry = first.Cert.Expiry!.Value;
                IReadOnlyList<string> servers = [.. g.Select(x => x.Cert.Server).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)];
                return new CertificateDue(
                    g.Key, first.Service.Name, first.Tier.Name, first.Cert.CommonName.Trim(), expiry, expiry <= now, first.Cert.Authority, servers, first.Service.Owners);
            })
            .OrderBy(d => d.Expiry)
            .ThenBy(d => d.Key, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary><c>cert:{service}:{tier}:{cn}:{expiry UTC}</c>, lower case: the same certificate gives the same key whatever the spelling or offset.</summary>
    public static string KeyOf(string service, string tier, string commonName, DateTimeOffset expiry)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(tier);
        ArgumentNullException.ThrowIfNull(commonName);
        string at = expiry.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        return $"cert:{service.Trim()}:{tier.Trim()}:{commonName.Trim()}:{at}".ToLowerInvariant();
    }
}
