using Hub.Functions.Configuration;

namespace Hub.Functions.Tests.Configuration;

public sealed class HubConfigurationLoaderRuleTests
{
    // A small valid document; each case changes one line and expects exactly one error, line and column counted by hand.
    private const string Valid = """
        lifecycles:
          - name: default
            statuses:
              - { name: new, kind: initial }
              - { name: done, kind: inactive }
            transitions:
              - { from: new, to: done, role: operator }
        queues:
          - name: Support
            lifecycle: default
        contacts:
          - { name: team, address: team@example.org }
        mail:
          routes:
            - { address: help@example.org, queue: Support }
          defaultQueue: Support
          monitoringQueue: Support
        alerts:
          queue: Support
          severities:
            critical: { priority: 90, classification: urgent }
          default: { priority: 30, classification: informational }
        sources:
          - { name: grafana, kind: grafana, auth: standard-webhooks, secretSettings: [Hub__Secrets__Grafana] }
        connectors:
          - { name: rt, type: rt, url: https://rt.example.org, secretSetting: Hub__Connectors__Rt }
        """;

    public static TheoryData<string, string, string> Cases => new()
    {
        // Unknown keys and required fields.
        {
            "    lifecycle: default", "    lifecycle: default\n    priority: 5",
            "hub.yaml:11:5: queues[0].priority: unknown key (expected one of: name, lifecycle, defaultPriority, autoResolveOnAlertResolved, adminCc, mirror, customFields)"
        },
        { "    lifecycle: default", "    defaultPriority: 5", "hub.yaml:9:5: queues[0].lifecycle: is required" },
        { "queues:\n  - name: Support\n    lifecycle: default", "queues: Support", "hub.yaml:8:9: queues: must be a list" },
        { "  monitoringQueue: Support", "  monitoringQueue:", "hub.yaml:17:3: mail.monitoringQueue: is required" },

        // Duplicate names.
        {
            "    lifecycle: default", "    lifecycle: default\n  - name: support\n    lifecycle: default",
            "hub.yaml:11:11: queues[1].name: duplicate queue name 'support' (first defined at line 9)"
        },
        {
            "role: operator }", "role: operator }\n  - name: Default\n    statuses: [{ name: new, kind: initial }]",
            "hub.yaml:8:11: lifecycles[1].name: duplicate lifecycle name 'Default' (first defined at line 2)"
        },
        {
            "      - { name: done, kind: inactive }", "      - { name: done, kind: inactive }\n      - { name: New, kind: active }",
            "hub.yaml:6:17: lifecycles[0].statuses[2].name: duplicate status 'New' (first defined at line 4)"
        },
        {
            "team@example.org }", "team@example.org }\n  - { name: Team, address: other@example.org }",
            "hub.yaml:13:13: contacts[1].name: duplicate contact list name 'Team' (first defined at line 12)"
        },
        {
            "[Hub__Secrets__Grafana] }", "[Hub__Secrets__Grafana] }\n  - { name: Grafana, kind: alertmanager, auth: bearer, secretSettings: [Hub__Secrets__Am] }",
            "hub.yaml:25:13: sources[1].name: duplicate source name 'Grafana' (first defined at line 24)"
        },
        {
            "    lifecycle: default", "    lifecycle: default\n    customFields:\n      - { name: Team, type: text }\n      - { name: team, type: text }",
            "hub.yaml:13:17: queues[0].customFields[1].name: duplicate custom field 'team' (first defined at line 12)"
        },

        // References.
        { "    lifecycle: default", "    lifecycle: support", "hub.yaml:10:16: queues[0].lifecycle: 'support' is not a defined lifecycle" },
        { "    lifecycle: default", "    lifecycle: default\n    adminCc: [team, nobody]", "hub.yaml:11:21: queues[0].adminCc[1]: 'nobody' is not a defined contact list" },
        { "    lifecycle: default", "    lifecycle: default\n    mirror: nobody", "hub.yaml:11:13: queues[0].mirror: 'nobody' is not a defined contact list" },
        { "queue: Support }", "queue: Helpdesk }", "hub.yaml:15:43: mail.routes[0].queue: 'Helpdesk' is not a defined queue" },
        {
            "queue: Support }", "queue: Support }\n  rules:\n    - { name: deploy, subject: deploy, queue: Deploy }",
            "hub.yaml:17:47: mail.rules[0].queue: 'Deploy' is not a defined queue"
        },
        { "  defaultQueue: Support", "  defaultQueue: Inbox", "hub.yaml:16:17: mail.defaultQueue: 'Inbox' is not a defined queue" },
        { "  monitoringQueue: Support", "  monitoringQueue: Alerts", "hub.yaml:17:20: mail.monitoringQueue: 'Alerts' is not a defined queue" },
        { "  queue: Support\n  severities", "  queue: Alerts\n  severities", "hub.yaml:19:10: alerts.queue: 'Alerts' is not a defined queue" },

        // Lifecycles.
        { "{ name: new, kind: initial }", "{ name: new, kind: active }", "hub.yaml:4:7: lifecycles[0].statuses: needs at least one status of kind initial" },
        { "{ name: new, kind: initial }", "{ name: new, kind: first }", "hub.yaml:4:28: lifecycles[0].statuses[0].kind: 'first' is not one of: initial, active, inactive" },
        { "to: done, role", "to: closed, role", "hub.yaml:7:26: lifecycles[0].transitions[0].to: 'closed' is not a status of this lifecycle" },
        {
            "role: operator }", "role: admin }",
            "hub.yaml:7:38: lifecycles[0].transitions[0].role: 'admin' is not one of: integrator, operator, developer, app-admin, logs-reader"
        },
        { "{ from: new, to: done", "{ from: done, to: done", "hub.yaml:7:27: lifecycles[0].transitions[0].to: a transition must change the status ('done' -> 'done')" },

        // Custom fields.
        {
            "    lifecycle: default", "    lifecycle: default\n    customFields:\n      - { name: Size, type: huge }",
            "hub.yaml:12:29: queues[0].customFields[0].type: 'huge' is not one of: text, whole-number, number, boolean, date, datetime, url, select"
        },
        {
            "    lifecycle: default", "    lifecycle: default\n    customFields:\n      - { name: Tier, type: select }",
            "hub.yaml:12:9: queues[0].customFields[0].values: a select field needs at least one value"
        },
        {
            "    lifecycle: default", "    lifecycle: default\n    customFields:\n      - { name: Tag, type: text, pattern: '[a-' }",
            "hub.yaml:12:43: queues[0].customFields[0].pattern: not a valid regular expression: Invalid pattern '[a-' at offset 3. Unterminated [] set."
        },
        {
            "queue: Support }", "queue: Support }\n  rules:\n    - { name: deploy, subject: '(deploy', queue: Support }",
            "hub.yaml:17:32: mail.rules[0].subject: not a valid regular expression: Invalid pattern '(deploy' at offset 7. Not enough )'s."
        },

        // Numbers, booleans, addresses.
        { "    lifecycle: default", "    lifecycle: default\n    defaultPriority: 101", "hub.yaml:11:22: queues[0].defaultPriority: '101' must be a whole number from 0 to 100" },
        { "{ priority: 90,", "{ priority: -1,", "hub.yaml:21:27: alerts.severities.critical.priority: '-1' must be a whole number from 0 to 100" },
        { "    lifecycle: default", "    lifecycle: default\n    autoResolveOnAlertResolved: yes", "hub.yaml:11:33: queues[0].autoResolveOnAlertResolved: 'yes' must be true or false" },
        { "address: team@example.org", "address: team.example.org", "hub.yaml:12:28: contacts[0].address: 'team.example.org' is not a mail address (name@example.org)" },
        { "  defaultQueue: Support", "  internalDomains: [example]\n  defaultQueue: Support", "hub.yaml:16:21: mail.internalDomains[0]: 'example' is not a domain name (example.org)" },

        // Sources.
        {
            "kind: grafana,", "kind: graphite,",
            "hub.yaml:24:28: sources[0].kind: 'graphite' is not one of: mail, alertmanager, grafana, azure-monitor, pagerduty, tickets"
        },
        { "kind: grafana,", "kind: tickets,", "hub.yaml:24:5: sources[0].system: is required" },
        { "secretSettings:", "system: rt, secretSettings:", "hub.yaml:24:70: sources[0].system: only a source of kind tickets has a system" },
        { "auth: standard-webhooks,", "auth: hmac,", "hub.yaml:24:43: sources[0].auth: 'hmac' is not one of: standard-webhooks, github-signature, basic, bearer" },
        { "[Hub__Secrets__Grafana]", "[]", "hub.yaml:24:78: sources[0].secretSettings: must not be empty" },
        {
            "[Hub__Secrets__Grafana]", "[whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw]",
            "hub.yaml:24:79: sources[0].secretSettings[0]: looks like a secret value, not the name of the app setting holding it: remove it from this file, rotate it, and name its setting (e.g. Hub__Secrets__GrafanaWebhookSecret)"
        },
        {
            "[Hub__Secrets__Grafana]", "[c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZzEyMw]",
            "hub.yaml:24:79: sources[0].secretSettings[0]: looks like a secret value, not the name of the app setting holding it: remove it from this file, rotate it, and name its setting (e.g. Hub__Secrets__GrafanaWebhookSecret)"
        },
        {
            "[Hub__Secrets__Grafana]", "[Hub-Secrets-Grafana]",
            "hub.yaml:24:79: sources[0].secretSettings[0]: is not an app setting name (letters, digits and '_', starting with a letter, sections separated by '__')"
        },

        // Not YAML at all.
        {
            "    lifecycle: default", "    lifecycle: [default",
            "hub.yaml:10:16: not valid YAML or JSON: the parser stopped after this point (an unclosed '[', '{' or quote?)"
        },
        { "    lifecycle: default", "    lifecycle: default\n    lifecycle: other", "hub.yaml:11:5: not valid YAML or JSON: Duplicate key lifecycle" },
        {
            "    lifecycle: default", "    lifecycle: \"default",
            "hub.yaml:10:16: not valid YAML or JSON: While scanning a multi-line double-quoted scalar, found wrong indentation."
        },

        // Connectors.
        { "type: rt,", "type: jira,", "hub.yaml:26:23: connectors[0].type: 'jira' is not one of: rt, webhook" },
        {
            "url: https://rt.example.org", "url: ftp://rt.example.org",
            "hub.yaml:26:32: connectors[0].url: 'ftp://rt.example.org' must be an absolute http or https URL without credentials (credentials belong in secretSetting)"
        },
        {
            "url: https://rt.example.org", "url: https://root:pw@rt.example.org",
            "hub.yaml:26:32: connectors[0].url: 'https://root:pw@rt.example.org' must be an absolute http or https URL without credentials (credentials belong in secretSetting)"
        },
        { ", secretSetting: Hub__Connectors__Rt }", " }", "hub.yaml:26:5: connectors[0].secretSetting: is required" },
        { "secretSetting: Hub__Connectors__Rt", "secretSetting: Hub.Connectors.Rt", "hub.yaml:26:71: connectors[0].secretSetting: is not an app setting name (letters, digits and '_', starting with a letter, sections separated by '__')" },
        { "secretSetting: Hub__Connectors__Rt", "secretSetting: Hub__Connectors__Rt, timeoutSeconds: 0", "hub.yaml:26:108: connectors[0].timeoutSeconds: '0' must be a whole number from 1 to 600" },
        {
            "https://rt.example.org, secretSetting", "https://rt.example.org, secretSetting: Hub__A }\n  - { name: RT, type: webhook, url: https://x.example.org, secretSetting",
            "hub.yaml:27:13: connectors[1].name: duplicate connector name 'RT' (first defined at line 26)"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_DocumentBreakingOneRule_ReportsFileLineColumnPathAndRule(string line, string replacement, string expected)
    {
        Assert.Single(Occurrences(Valid, line));
        string document = Valid.Replace(line, replacement, StringComparison.Ordinal);

        var error = Assert.Throws<HubConfigurationException>(() => HubConfigurationLoader.Parse(document, "hub.yaml"));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Parse_ValidSmallDocument_Loads()
    {
        var configuration = HubConfigurationLoader.Parse(Valid, "hub.yaml");

        Assert.Equal("Support", Assert.Single(configuration.Queues).Name);
    }

    [Fact]
    public void Parse_SecretValue_NeverEchoesIt()
    {
        string document = Valid.Replace("[Hub__Secrets__Grafana]", "[whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw]", StringComparison.Ordinal);

        var error = Assert.Throws<HubConfigurationException>(() => HubConfigurationLoader.Parse(document, "hub.yaml"));

        Assert.DoesNotContain("MfKQ9r8", error.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<int> Occurrences(string text, string part)
    {
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            yield return i;
        }
    }
}
