using Hub.Domain.Catalog;

namespace Hub.Domain.Tests.Catalog;

public sealed class CertificateExpiryTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lead = TimeSpan.FromDays(30);
    private static readonly DateTimeOffset Issued = new(2025, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Due_CertificatesInsideAndOutsideTheLeadTime_YieldsOnlyThoseInsideSoonestFirst()
    {
        ServiceCatalog catalog = With(
            ("web", "LIVE", new ServiceCertificate("web.example.org", "CA", "web-1", Issued, Now.AddDays(20))),
            ("web", "LIVE", new ServiceCertificate("later.example.org", "CA", "web-1", Issued, Now.AddDays(31))),
            ("app", "LIVE", new ServiceCertificate("app.example.org", "CA", "app-1", Issued, Now.AddDays(2))));

        IReadOnlyList<CertificateDue> due = CertificateExpiry.Due(catalog, Lead, Now);

        Assert.Equal(["app.example.org", "web.example.org"], due.Select(d => d.CommonName));
        Assert.Equal(("app", "LIVE", false, "CA"), (due[0].Service, due[0].Tier, due[0].Expired, due[0].Authority));
        Assert.Equal(["app-owner@example.org"], due[0].Owners);
    }

    [Fact]
    public void Due_ExpiryExactlyAtTheHorizon_IsDueAndOneSecondLaterIsNot()
    {
        ServiceCatalog catalog = With(
            ("web", "LIVE", new ServiceCertificate("edge.example.org", null, null, Issued, Now + Lead)),
            ("web", "LIVE", new ServiceCertificate("beyond.example.org", null, null, Issued, Now + Lead + TimeSpan.FromSeconds(1))));

        IReadOnlyList<CertificateDue> due = CertificateExpiry.Due(catalog, Lead, Now);

        Assert.Equal(["edge.example.org"], due.Select(d => d.CommonName));
    }

    [Fact]
    public void Due_AlreadyExpired_IsDueAndMarkedExpired()
    {
        ServiceCatalog catalog = With(("web", "LIVE", new ServiceCertificate("web.example.org", "CA", "web-1", Issued, Now.AddDays(-1))));

        CertificateDue due = Assert.Single(CertificateExpiry.Due(catalog, Lead, Now));

        Assert.True(due.Expired);
    }

    [Fact]
    public void Due_SameCertificateOnTwoServers_YieldsOneKeyListingBothServers()
    {
        DateTimeOffset expiry = new(2026, 12, 20, 0, 0, 0, TimeSpan.Zero);
        ServiceCatalog catalog = With(
            ("web", "LIVE", new ServiceCertificate("web.example.org", "CA", "web-1", Issued, expiry)),
            ("web", "LIVE", new ServiceCertificate("WEB.example.org", "CA", "web-2", Issued, expiry.ToOffset(TimeSpan.FromHours(1)))));

        CertificateDue due = Assert.Single(CertificateExpiry.Due(catalog, Lead, Now));

        Assert.Equal("cert:web:live:web.example.org:20261220t000000z", due.Key);
        Assert.Equal(["web-1", "web-2"], due.Servers);
    }

    [Fact]
    public void Due_SameCnInTwoTiers_YieldsAKeyPerTier()
    {
        DateTimeOffset expiry = Now.AddDays(5);
        ServiceCatalog catalog = With(
            ("web", "DEV", new ServiceCertificate("web.example.org", "CA", null, Issued, expiry)),
            ("web", "LIVE", new ServiceCertificate("web.example.org", "CA", null, Issued, expiry)));

        IReadOnlyList<CertificateDue> due = CertificateExpiry.Due(catalog, Lead, Now);

        Assert.Equal(["cert:web:dev:web.example.org:20261206t120000z", "cert:web:live:web.example.org:20261206t120000z"], due.Select(d => d.Key));
    }

    [Fact]
    public void Due_RenewedCertificateNearingExpiryAgain_YieldsANewKey()
    {
        ServiceCatalog first = With(("web", "LIVE", new ServiceCertificate("web.example.org", "CA", "web-1", Issued, Now.AddDays(10))));
        ServiceCatalog renewed = With(("web", "LIVE", new ServiceCertificate("web.example.org", "CA", "web-1", Now, Now.AddDays(375))));

        string before = Assert.Single(CertificateExpiry.Due(first, Lead, Now)).Key;
        IReadOnlyList<CertificateDue> justRenewed = CertificateExpiry.Due(renewed, Lead, Now);
        string after = Assert.Single(CertificateExpiry.Due(renewed, Lead, Now.AddDays(350))).Key;

        Assert.Empty(justRenewed);
        Assert.Equal("cert:web:live:web.example.org:20261211t120000z", before);
        Assert.Equal("cert:web:live:web.example.org:20271211t120000z", after);
    }

    [Fact]
    public void KeyOf_SameInstantWrittenWithAnotherOffset_IsTheSameKey()
    {
        var utc = new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero);

        string a = CertificateExpiry.KeyOf("Web", "LIVE", "web.example.org", utc);
        string b = CertificateExpiry.KeyOf("web", "live", " web.example.org ", utc.ToOffset(TimeSpan.FromHours(1)));

        Assert.Equal("cert:web:live:web.example.org:20260329t013000z", a);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Due_CertificateWithoutExpiry_IsLeftToTheValidator()
    {
        ServiceCatalog catalog = With(("web", "LIVE", new ServiceCertificate("web.example.org", "CA", "web-1", Issued, null)));

        IReadOnlyList<CertificateDue> due = CertificateExpiry.Due(catalog, Lead, Now);

        Assert.Empty(due);
    }

    /// <summary>A catalog whose services carry the given certificates in the given tiers.</summary>
    private static ServiceCatalog With(params (string Service, string Tier, ServiceCertificate Cert)[] certificates)
    {
        var services = new List<ServiceRecord>();
        foreach (IGrouping<string, (string Service, string Tier, ServiceCertificate Cert)> service in certificates.GroupBy(c => c.Service))
        {
            ServiceRecord record = CatalogFixture.Service(service.Key, 10, "Web", [$"{service.Key}-1"], [$"{service.Key}-dev"]);
            services.Add(record with
            {
                Tiers = [.. record.Tiers.Select(t => t with { Certificates = [.. service.Where(c => TierNames.Same(c.Tier, t.Name)).Select(c => c.Cert)] })],
            });
        }

        return new ServiceCatalog(services);
    }
}
