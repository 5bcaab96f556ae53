using System.Net.Http.Json;
using Hub.Testing;

namespace Hub.Functions.Tests.Support;

/// <summary>
/// The shipped hub.yaml with its playbook sections replaced for tests: a one-person rota (alice, whose lead is tess,
/// manager max) and escalation windows of seconds, so a real hub runs the whole chain quickly. API keys for alice,
/// tess and an operator.
/// </summary>
internal static class PlaybookConfig
{
    public const string AliceKey = "alice-key-0123456789abcdef";
    public const string TessKey = "tess-key-0123456789abcdef";
    public const string OperatorKey = "operator-key-0123456789abcdef";
    public const string ReaderKey = "reader-key-0123456789abcdef";

    public static string Write(string ackWithin = "2s", int repeats = 1, string extra = "", Uri? rtUrl = null)
    {
        string shipped = File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "config", "hub.yaml"));
        if (rtUrl is not null)
        {
            shipped = shipped.Replace("https://rt.example.org", rtUrl.ToString().TrimEnd('/'), StringComparison.Ordinal);
        }

        int cut = shipped.IndexOf("\n# The incident playbook", StringComparison.Ordinal);
        string yaml = shipped[..cut] + $$"""

            incidents:
              rota: on-call
              escalation:
                - { name: tech-lead, target: tech-lead, ackWithin: {{ackWithin}} }
                - { name: team-lead, target: team-lead, ackWithin: {{ackWithin}} }
                - { name: manager, target: manager, ackWithin: {{ackWithin}} }
              repeats: {{repeats}}
              teamList: amit
              tierManagers:
                PROD: [prod-manager@example.org]
              handOffConnector: rt
            rotas:
              - name: on-call
                timeZone: Europe/Zurich
                shift: daily
                handover: "09:00"
                start: 2026-01-05
                teamLead: tess@example.org
                manager: max@example.org
                members:
                  - { name: alice, address: alice@example.org }
            email:
              from: hub@example.org
              fromName: Integration Hub
              replyTo: map-support@example.org
              categories: [integration-hub]
            {{extra}}
            """.Replace("\n            ", "\n", StringComparison.Ordinal);
        string path = Path.Combine(Path.GetTempPath(), Azurite.UniqueName("hub") + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public static Dictionary<string, string?> Settings(string configPath, string? durableName = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hub__Config"] = configPath,
            ["Hub__ApiKeys__alice"] = $"developer:{AliceKey}",
            ["Hub__ApiKeys__tess"] = $"operator:{TessKey}",
            ["Hub__ApiKeys__test-operator"] = $"operator:{OperatorKey}",
            ["Hub__ApiKeys__test-reader"] = $"logs-reader:{ReaderKey}",
        };
        if (durableName is not null)
        {
            settings["Hub__DurableName"] = durableName;
        }

        return settings;
    }

    public static async Task<HttpResponseMessage> SendAsync(TestHub hub, HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", key);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        HttpResponseMessage response = await hub.Client.SendAsync(request);
        // The hub answers once the request's commit is stored; its effects (mails, moves, commands to other
        // aggregates) run after that. Assertions are about both.
        await HubState.WaitForEffectsAsync(hub);
        return response;
    }
}
