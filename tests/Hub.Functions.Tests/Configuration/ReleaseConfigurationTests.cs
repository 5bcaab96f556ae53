using Hub.Domain.Configuration;
using Hub.Domain.Intake.Tickets;
using Hub.Functions.Configuration;

namespace Hub.Functions.Tests.Configuration;

/// <summary>The releases: section: what it reads, and every mistake named with file, line, column and rule.</summary>
public sealed class ReleaseConfigurationTests
{
    private const string Base = """
        lifecycles:
          - name: default
            statuses:
              - { name: new, kind: initial }
        queues:
          - { name: sw-rel, lifecycle: default }
        contacts:
          - { name: sw-rel-qc, address: qc@example.org, internal: true }
        mail: { defaultQueue: sw-rel, monitoringQueue: sw-rel }
        alerts: { queue: sw-rel, default: { priority: 30, classification: informational } }

        """;

    [Fact]
    public void Parse_ReleasesSection_ReadsEveryKey()
    {
        string yaml = Base + """
            releases:
              queue: sw-rel
              adminCc: [sw-rel-qc]
              releaseManager: rm@example.org
              notify:
                Unverified: [sw-rel-qc, provider, extra@example.org]
              owners: { StageRollout: sr-lead@example.org }
              teams: { qc: [qc-amy, 'tickets:rt'], sr: [sr-bob] }
              earlyAdopters:
                - { name: ea-1, ngi: NGI_X, address: ea1@example.org }
              deadlines: { InVerification: P10D }
              emergencyDeadlines: { InVerification: PT8H }
              fetch: { maxPackageBytes: 1000, timeout: PT30S, allowedHosts: [mirror.internal, 10.0.0.5] }
            """;

        ReleaseWorkflowDefinition releases = HubConfigurationLoader.Parse(yaml, "hub.yaml").Releases;

        Assert.Equal(["sw-rel-qc", "provider", "extra@example.org"], releases.Notify[RolloutProgress.Unverified]);
        Assert.Equal(["provider"], releases.Notify[RolloutProgress.Submitted]);
        Assert.Equal("sr-lead@example.org", releases.Owners[RolloutProgress.StageRollout]);
        Assert.Equal(["qc-amy", "tickets:rt"], releases.QcTeam);
        Assert.Equal(new EarlyAdopterTeam("ea-1", "NGI_X", "ea1@example.org"), Assert.Single(releases.EarlyAdopters));
        Assert.Equal(TimeSpan.FromDays(10), releases.Deadlines[RolloutProgress.InVerification]);
        Assert.Equal(new ReleaseFetchLimits(1000, TimeSpan.FromSeconds(30)) { AllowedHosts = ["mirror.internal", "10.0.0.5"] }, releases.Fetch);
        Assert.True(releases.Fetch.IsAllowedHost("MIRROR.internal"));
        Assert.False(releases.Fetch.IsAllowedHost("mirror.example"));
    }

    [Fact]
    public void Parse_ReleasesMistakes_EachNamedWithLineAndColumn()
    {
        string yaml = Base + """
            releases:
              queue: releases
              notify:
                Verified: [sw-rel-qc]
                Production: [sw-rel-prod]
              owners: { StageRollout: not-an-address }
              deadlines: { InVerification: 10 days }
              fetch: { timeout: PT0S, allowedHosts: ["http://x/"] }
            """;

        var error = Assert.Throws<HubConfigurationException>(() => HubConfigurationLoader.Parse(yaml, "hub.yaml"));

        // Counted by hand: Base is 10 lines, so "releases:" is line 11; columns are where each value (or key) starts.
        Assert.Equal(
            [
                "hub.yaml:12:10: releases.queue: 'releases' is not a defined queue",
                "hub.yaml:14:5: releases.notify.Verified: 'Verified' is not a RolloutProgress state (Submitted, Unverified, InVerification, WaitingForResponse, StageRollout, Deferred, Production, Rejected, Ignored, NotPublished, Failed)",
                "hub.yaml:15:18: releases.notify.Production[0]: 'sw-rel-prod' is not a defined contact list",
                "hub.yaml:16:27: releases.owners.StageRollout: 'not-an-address' is not a mail address (name@example.org)",
                "hub.yaml:17:32: releases.deadlines.InVerification: must be a positive ISO 8601 duration such as P2D, PT8H or P1DT12H",
                "hub.yaml:18:21: releases.fetch.timeout: 'PT0S' must be a positive ISO 8601 duration such as PT10M",
                "hub.yaml:18:42: releases.fetch.allowedHosts[0]: 'http://x/' must be a host name or IP address (no scheme, port or path)",
            ],
            error.Errors.Select(e => e.ToString()));
    }
}
