using System.Text;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Security;
using Hub.Functions.Configuration;
using Hub.Testing;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Hub.Functions.Tests.Configuration;

public sealed class HubConfigurationLoaderTests
{
    private static readonly string SamplePath = Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml");

    [Fact]
    public void Load_ShippedSample_HasTheDesignQueuesAndTheirSettings()
    {
        var configuration = HubConfigurationLoader.Load(SamplePath);

        Assert.Equal(["Customer-Support", "ProductionDefect", "ProductionDeploy", "Admin", "sw-rel"], configuration.Queues.Select(q => q.Name));
        QueueDefinition defect = configuration.Queue("productiondefect")!;
        Assert.True(defect.AutoResolveOnAlertResolved);
        Assert.Equal("amit-auto-defect", defect.Mirror);
        Assert.Equal("amit-auto-deploy", configuration.Queue("ProductionDeploy")!.Mirror);
        Assert.Empty(configuration.Queue("sw-rel")!.AdminCc);
        Assert.Equal(["sw-rel-admin"], configuration.Releases.AdminCc);
        Assert.Equal("sr-lead@example.org", configuration.Releases.Owners[Hub.Domain.Intake.Tickets.RolloutProgress.StageRollout]);
        Assert.Equal(TimeSpan.FromHours(8), configuration.Releases.EmergencyDeadlines[Hub.Domain.Intake.Tickets.RolloutProgress.InVerification]);
        Assert.Equal("release", configuration.Queue("sw-rel")!.Lifecycle);
        Assert.Equal(["Urgent", "BugReport", "Informational"], defect.CustomFields.Single(f => f.Name == "Classification").Values);
    }

    [Fact]
    public void Load_ShippedSample_HasTheRtAndWebhookConnectors()
    {
        var configuration = HubConfigurationLoader.Load(SamplePath);

        Assert.Equal(
            [
                new ConnectorDefinition("rt", ConnectorType.Rt, new Uri("https://rt.example.org"), "Hub__Connectors__RtToken", TimeSpan.FromSeconds(60), 4),
                new ConnectorDefinition("tickets-webhook", ConnectorType.Webhook, new Uri("https://tickets.example.org/hub-events"), "Hub__Connectors__TicketsWebhookSecret", TimeSpan.FromSeconds(60), 4),
            ],
            configuration.Connectors);
        Assert.Same(configuration.Connectors[0], configuration.Connector("RT"));
    }

    [Fact]
    public void Load_ShippedSample_HasTheDefaultLifecycle()
    {
        var configuration = HubConfigurationLoader.Load(SamplePath);

        LifecycleDefinition lifecycle = configuration.Lifecycle("default")!;
        Assert.Equal(
            ["new:Initial", "open:Active", "stalled:Active", "resolved:Inactive", "rejected:Inactive", "deleted:Inactive"],
            lifecycle.Statuses.Select(s => $"{s.Name}:{s.Kind}"));
        Assert.Contains(new TransitionDefinition("new", "open", Role.Operator), lifecycle.Transitions);
        Assert.Contains(new TransitionDefinition("stalled", "resolved", Role.Operator), lifecycle.Transitions);
        Assert.Contains(new TransitionDefinition("resolved", "open", Role.Integrator), lifecycle.Transitions);
        Assert.Contains(new TransitionDefinition("open", "deleted", Role.AppAdmin), lifecycle.Transitions);
        Assert.DoesNotContain(lifecycle.Transitions, t => t.From == "resolved" && t.To == "stalled");
    }

    [Fact]
    public void Load_ShippedSample_HasTheReleaseWorkflow()
    {
        var configuration = HubConfigurationLoader.Load(SamplePath);

        LifecycleDefinition release = configuration.Lifecycle("release")!;
        Assert.Equal("Submitted", Assert.Single(release.Statuses, s => s.Kind == StatusKind.Initial).Name);
        Assert.Equal(["Production", "Rejected", "Ignored", "NotPublished"], release.Statuses.Where(s => s.Kind == StatusKind.Inactive).Select(s => s.Name));
        Assert.Contains(new TransitionDefinition("Deferred", "StageRollout", Role.Operator), release.Transitions);
        Assert.Contains(new TransitionDefinition("Failed", "InVerification", Role.AppAdmin), release.Transitions);
        Assert.DoesNotContain(release.Transitions, t => t.From == "StageRollout" && t.To == "InVerification");
    }

    [Fact]
    public void Load_ShippedSample_HasContactsMailAlertsAndSources()
    {
        var configuration = HubConfigurationLoader.Load(SamplePath);

        Assert.Equal(
            ["isda-support", "map-support", "isda-pipeline", "isda-integrators", "computing-help", "amit-auto-deploy", "amit-auto-defect", "amit",
                "sw-rel-qc", "sw-rel-sr", "sw-rel-production", "sw-rel-admin"],
            configuration.ContactLists.Select(c => c.Name));
        Assert.Equal("map-support@example.org", configuration.Contacts("map-support")!.Address);
        Assert.Equal(
            [new MailRoute("isda-support@example.org", "Customer-Support"), new MailRoute("map-support@example.org", "ProductionDefect")],
            configuration.Mail.Routes);
        Assert.Equal(["ProductionDeploy", "Admin"], configuration.Mail.Rules.Select(r => r.Queue));
        Assert.Equal("Customer-Support", configuration.Mail.DefaultQueue);
        Assert.Equal("ProductionDefect", configuration.Mail.MonitoringQueue);
        Assert.Equal("ProductionDefect", configuration.Alerts.Queue);
        Assert.Contains(new SeverityMapping("critical", 90, AlertClassification.Urgent), configuration.Alerts.Severities);
        Assert.Contains(new SeverityMapping("Sev4", 20, AlertClassification.Informational), configuration.Alerts.Severities);
        Assert.Equal(new SeverityMapping("default", 30, AlertClassification.Informational), configuration.Alerts.DefaultSeverity);
        Assert.Equal(
            ["mail:Basic", "alertmanager:Bearer", "grafana:StandardWebhooks", "azure-monitor:Bearer", "pagerduty:Bearer", "tickets:GitHubSignature"],
            configuration.Sources.Select(s => $"{s.Kind}:{s.Auth}"));
        Assert.Equal(["Hub__Secrets__AlertmanagerToken"], configuration.Source("alertmanager")!.SecretSettings);
        Assert.Equal("rt", configuration.Source("rt")!.System);
    }

    [Fact]
    public void Load_ShippedSample_SubjectRulesRouteTheDesignExamples()
    {
        var configuration = HubConfigurationLoader.Load(SamplePath);

        MailRule deploy = configuration.Mail.Rules.Single(r => r.Queue == "ProductionDeploy");
        MailRule workOrder = configuration.Mail.Rules.Single(r => r.Queue == "Admin");
        Assert.True(Matches(deploy, "Deployment request: ingest service 2.4 to TEST"));
        Assert.False(Matches(deploy, "Ingest service is down"));
        Assert.True(Matches(workOrder, "Work order: rotate the DEV certificates"));
        Assert.False(Matches(workOrder, "Work order: restart production ingest"));
    }

    [Fact]
    public void Parse_ShippedSampleAsJson_LoadsIdentically()
    {
        string yaml = File.ReadAllText(SamplePath);
        string json = ToJson(yaml);

        var fromYaml = HubConfigurationLoader.Parse(yaml, "hub.yaml");
        var fromJson = HubConfigurationLoader.Parse(json, "hub.json");

        Assert.StartsWith("{\n  \"lifecycles\": [", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(JsonSerializer.Serialize(fromYaml), JsonSerializer.Serialize(fromJson));
    }

    [Fact]
    public void Parse_JsonWithMistake_ReportsTheJsonLine()
    {
        string json = """
            {
              "lifecycles": [ { "name": "default", "statuses": [ { "name": "new", "kind": "initial" } ] } ],
              "queues": [
                { "name": "Support", "lifecycle": "support" }
              ],
              "mail": { "defaultQueue": "Support", "monitoringQueue": "Support" },
              "alerts": { "queue": "Support", "default": { "priority": 30, "classification": "informational" } }
            }
            """;

        var error = Assert.Throws<HubConfigurationException>(() => HubConfigurationLoader.Parse(json, "hub.json"));

        Assert.Equal("hub.json:4:39: queues[0].lifecycle: 'support' is not a defined lifecycle", error.Message);
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsEveryOneInDocumentOrder()
    {
        string yaml = """
            lifecycles:
              - name: default
                statuses:
                  - { name: open, kind: active }
            queues:
              - name: Support
                lifecycle: default
                defaultPriority: 500
                colour: blue
            mail:
              defaultQueue: Inbox
            alerts:
              queue: Support
              default: { priority: 30, classification: informational }
            """;

        var error = Assert.Throws<HubConfigurationException>(() => HubConfigurationLoader.Parse(yaml, "hub.yaml"));

        Assert.Equal(
            [
                "hub.yaml:4:7: lifecycles[0].statuses: needs at least one status of kind initial",
                "hub.yaml:8:22: queues[0].defaultPriority: '500' must be a whole number from 0 to 100",
                "hub.yaml:9:5: queues[0].colour: unknown key (expected one of: name, lifecycle, defaultPriority, autoResolveOnAlertResolved, adminCc, mirror, customFields)",
                "hub.yaml:11:3: mail.monitoringQueue: is required",
                "hub.yaml:11:17: mail.defaultQueue: 'Inbox' is not a defined queue",
            ],
            error.Errors.Select(e => e.ToString()));
        Assert.Equal(new ConfigurationError("hub.yaml", 11, 17, "mail.defaultQueue", "'Inbox' is not a defined queue"), error.Errors[4]);
        Assert.Equal(string.Join('\n', error.Errors), error.Message);
    }

    [Fact]
    public void Load_MissingFile_NamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-dir-7f3a", "hub.yaml");

        var error = Assert.Throws<HubConfigurationException>(() => HubConfigurationLoader.Load(path));

        Assert.Equal(
            $"{path}: not found (looked for {path}; set Hub__Config to a path relative to host.json or to blob:<container>/<name>)",
            error.Message);
    }

    [Fact]
    public async Task LoadFromSettingAsync_Unset_ReadsConfigHubYamlUnderTheBaseDirectory()
    {
        IConfiguration settings = Settings(null);

        var configuration = await HubConfigurationLoader.LoadFromSettingAsync(settings, Azurite.RepositoryRoot(), NoBlobs, CancellationToken.None);

        Assert.Equal(5, configuration.Queues.Count);
    }

    [Fact]
    public async Task LoadFromSettingAsync_RelativePathMissing_NamesSettingAndFullPath()
    {
        string baseDirectory = Path.Combine(Path.GetTempPath(), "hub-base-7f3a");
        IConfiguration settings = Settings("conf/other.yaml");

        var error = await Assert.ThrowsAsync<HubConfigurationException>(
            () => HubConfigurationLoader.LoadFromSettingAsync(settings, baseDirectory, NoBlobs, CancellationToken.None));

        Assert.Equal(
            $"conf/other.yaml: not found (looked for {baseDirectory}/conf/other.yaml; set Hub__Config to a path relative to host.json or to blob:<container>/<name>)",
            error.Message);
    }

    [Fact]
    public async Task LoadFromSettingAsync_Blob_ReadsThroughTheReaderAndNamesTheBlobInErrors()
    {
        string yaml = File.ReadAllText(SamplePath).Replace("lifecycle: release", "lifecycle: releases", StringComparison.Ordinal);
        var asked = new List<string>();
        Task<string?> Read(string name, CancellationToken ct)
        {
            asked.Add(name);
            return Task.FromResult<string?>(yaml);
        }

        var error = await Assert.ThrowsAsync<HubConfigurationException>(
            () => HubConfigurationLoader.LoadFromSettingAsync(Settings("blob:hub-config/hub.yaml"), "/nowhere", Read, CancellationToken.None));

        Assert.Equal(["hub-config/hub.yaml"], asked);
        Assert.Equal("blob:hub-config/hub.yaml", Assert.Single(error.Errors).File);
        Assert.Equal("queues[4].lifecycle", error.Errors[0].Path);
    }

    [Fact]
    public async Task LoadFromSettingAsync_BlobValid_Loads()
    {
        string yaml = File.ReadAllText(SamplePath);

        var configuration = await HubConfigurationLoader.LoadFromSettingAsync(
            Settings("blob:hub-config/hub.yaml"), "/nowhere", (_, _) => Task.FromResult<string?>(yaml), CancellationToken.None);

        Assert.Equal("sw-rel", configuration.Queues[4].Name);
    }

    [Fact]
    public async Task LoadFromSettingAsync_BlobMissing_NamesTheBlob()
    {
        IConfiguration settings = Settings("blob:hub-config/hub.yaml");

        var error = await Assert.ThrowsAsync<HubConfigurationException>(
            () => HubConfigurationLoader.LoadFromSettingAsync(settings, "/nowhere", NoBlobs, CancellationToken.None));

        Assert.Equal(
            "blob:hub-config/hub.yaml: not found (looked for blob:hub-config/hub.yaml; set Hub__Config to a path relative to host.json or to blob:<container>/<name>)",
            error.Message);
    }

    [Fact]
    public async Task LoadFromSettingAsync_BlobWithoutName_IsRefused()
    {
        IConfiguration settings = Settings("blob:hub-config");

        var error = await Assert.ThrowsAsync<HubConfigurationException>(
            () => HubConfigurationLoader.LoadFromSettingAsync(settings, "/nowhere", NoBlobs, CancellationToken.None));

        Assert.Equal(
            "Hub__Config 'blob:hub-config' must be blob:<container>/<name> with a container name of 3-32 lower-case letters, digits or '-'.",
            error.Message);
    }

    private static Task<string?> NoBlobs(string name, CancellationToken ct) => Task.FromResult<string?>(null);

    private static IConfiguration Settings(string? config) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Hub:Config"] = config }).Build();

    private static bool Matches(MailRule rule, string subject) =>
        System.Text.RegularExpressions.Regex.IsMatch(subject, rule.SubjectPattern, System.Text.RegularExpressions.RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));

    /// <summary>The YAML document re-written as indented JSON: numbers and booleans bare, everything else a string.</summary>
    private static string ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            Write(writer, stream.Documents[0].RootNode);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value!);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (YamlNode item in sequence.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode { Value: "true" or "false" } flag:
                writer.WriteBooleanValue(flag.Value == "true");
                break;
            case YamlScalarNode scalar when int.TryParse(scalar.Value, out int number):
                writer.WriteNumberValue(number);
                break;
            case YamlScalarNode scalar:
                writer.WriteStringValue(scalar.Value);
                break;
        }
    }
}
