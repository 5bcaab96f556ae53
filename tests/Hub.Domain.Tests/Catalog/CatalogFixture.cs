using Hub.Domain.Catalog;
using Hub.Domain.Sites;

namespace Hub.Domain.Tests.Catalog;

/// <summary>
/// A three-service shop as the TAD would record it: db (rank 10, one Db node), app (rank 20, two App nodes) and web
/// (rank 30, two Web nodes) in LIVE, and one node each in DEV.
/// </summary>
internal static class CatalogFixture
{
    public static ServiceRecord Db { get; } = Service("db", 10, "Db", ["db-1"], ["db-dev"]);

    public static ServiceRecord App { get; } = Service("app", 20, "App", ["app-1", "app-2"], ["app-dev"]);

    public static ServiceRecord Web { get; } = Service("web", 30, "Web", ["web-1", "web-2"], ["web-dev"]);

    public static ServiceCatalog Catalog { get; } = new([Db, App, Web]);

    public static Site Shop { get; } = new("shop", [new SiteMember("web", ["app"]), new SiteMember("db"), new SiteMember("app", ["db"])], ["shop-ops@example.org"]);

    public static ServiceRecord Service(string name, int? rank, string serverTier, IReadOnlyList<string> live, IReadOnlyList<string> dev) => new(
        name,
        [
            new ServiceTier("DEV", [.. dev.Select(n => new ServiceNode(n, serverTier))], AgentUrl: $"https://agent.dev.example.org/{name}"),
            new ServiceTier(
                "LIVE",
                [.. live.Select(n => new ServiceNode(n, serverTier, $"https://{n}.example.org:8443/agent"))],
                Urls: [$"https://{name}.example.org/"],
                Managers: ["live-manager@example.org"]),
        ],
        [$"{name}-owner@example.org"],
        StartupRank: rank);

    /// <summary>A record using every field of the TAD, all valid.</summary>
    public static ServiceRecord Full { get; } = new(
        "payroll",
        [
            new ServiceTier("DEV", [new ServiceNode("pay-dev", "App")], AgentUrl: "https://agent.dev.example.org/payroll"),
            new ServiceTier("TEST", [new ServiceNode("pay-test", "App")], AgentUrl: "https://agent.test.example.org/payroll"),
            new ServiceTier("TRN", [new ServiceNode("pay-trn", "App")], AgentUrl: "https://agent.trn.example.org/payroll"),
            new ServiceTier(
                "LIVE",
                [new ServiceNode("pay-1", "App", "https://pay-1.example.org/agent", "Debian 13"), new ServiceNode("pay-web-1", "Web", "https://pay-web-1.example.org/agent")],
                Urls: ["https://payroll.example.org/", "http://payroll-intranet.example.org/status"],
                Certificates: [new ServiceCertificate("payroll.example.org", "DigiCert TLS RSA", "pay-web-1", new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero), new(2027, 1, 10, 0, 0, 0, TimeSpan.Zero))],
                Managers: ["live-manager@example.org"]),
        ],
        ["payroll-owner@example.org"],
        StartupRank: 0,
        Description: "Payroll for the university",
        RecipientLists: ["map-support", "payroll-team@example.org"],
        RunBookUrl: "https://wiki.example.org/runbooks/payroll",
        DrCategory: "B",
        Backup: "Nightly dump to tape, kept 90 days",
        Resilience: "Two App nodes behind the load balancer",
        Patching: new ServicePatching("Tuesday 06:00-08:00", "unix-team@example.org", "Kernel patches monthly"),
        SupportContacts: [new SupportContact("Payroll desk", "first line", "payroll-desk@example.org", "+44 131 650 0000", "09:00-17:00")],
        Users: [new ServiceUser("payroll", "service account", "LIVE"), new ServiceUser("pay-ro", "read-only reporting")],
        DataSources: [new DataSource("paydb", "PostgreSQL", "postgres://paydb.example.org/pay", "LIVE")],
        ScheduledTasks: [new ScheduledTask("month-end", "0 2 1 * *", "/opt/payroll/bin/month-end", "LIVE", "pay-1")],
        StartupSteps: ["systemctl start payroll", "curl -f https://payroll.example.org/health"],
        ShutdownSteps: ["systemctl stop payroll"],
        Logs: [new FileLocation("/var/log/payroll/", "application log", "pay-1")],
        Configuration: [new FileLocation("/etc/payroll/payroll.conf")]);
}
