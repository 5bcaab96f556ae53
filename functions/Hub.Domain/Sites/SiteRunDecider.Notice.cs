using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Domain.Catalog;
using Hub.Domain.Changes;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Sites;

// The end of a run: the notice to the Recipient List and, for each failing service, a comment on its open ticket or a
// new one in the defect queue.
public sealed partial class SiteRunDecider
{
    public const string MailKind = "site-run";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><c>[Site:&lt;site&gt; @ &lt;node&gt;] &lt;Command&gt; - SUCCESS</c>, or <c>- FAILURE</c> for a failed or cancelled run (DESIGN 5.5).</summary>
    public static string Subject(string site, SiteRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return $"[Site:{site} @ {run.Node}] {run.Command} - {(run.Outcome == RunOutcome.Succeeded ? "SUCCESS" : "FAILURE")}";
    }

    /// <summary>The step report: the run, then each step in order with its outcome, times (UTC) and, when it failed, its output.</summary>
    public static string Report(string site, SiteRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var text = new StringBuilder();
        string scope = string.Join(", ", new[] { run.Strategy is { } s ? Strategy(s) : null, run.Tier, run.KeepGoing ? "keepgoing" : null }.OfType<string>());
        text.Append(CultureInfo.InvariantCulture, $"Site {site}: {run.Command}{(scope.Length > 0 ? $" ({scope})" : "")}, run {run.RunId}, requested by {run.RequestedBy}.\n");
        int failed = run.Steps.Count(x => x.Status == StepStatus.Failed);
        int skipped = run.Steps.Count(x => x.Status == StepStatus.Skipped);
        text.Append(CultureInfo.InvariantCulture, $"Outcome: {run.Outcome.ToString().ToLowerInvariant()}; {run.Steps.Count} step{(run.Steps.Count == 1 ? "" : "s")}, {failed} failed, {skipped} skipped.\n");
        if (run.CancelRequestedBy is { } by)
        {
            text.Append(CultureInfo.InvariantCulture, $"Cancelled by {by} at {Utc(run.CancelRequestedAt)}.\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Started {Utc(run.StartedAt)}, ended {Utc(run.EndedAt)}{Took(run.StartedAt, run.EndedAt)}.\n\n");
        foreach (RunStep step in run.Steps)
        {
            PlannedStep p = step.Plan;
            text.Append(CultureInfo.InvariantCulture, $"{p.Index + 1}. {p.Command.ToString().ToLowerInvariant()} {p.Service} @ {p.Node} ({p.Tier}): {step.Status.ToString().ToLowerInvariant()}");
            if (step.ExitCode is { } exit)
            {
                text.Append(CultureInfo.InvariantCulture, $", exit {exit}");
            }

            text.Append(step.Status == StepStatus.Skipped
                ? $", {step.SkipReason}\n"
                : step.StartedAt is { } started ? $", {Utc(started)}{Took(started, step.EndedAt)}\n" : "\n");
            if (step.Status == StepStatus.Failed && !string.IsNullOrEmpty(step.Output))
            {
                text.Append(step.OutputTruncated ? "   ...\n" : "");
                foreach (string line in step.Output.TrimEnd('\n').Split('\n'))
                {
                    text.Append("   ").Append(line).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    private List<SideEffect> Effects(string site, SiteRun run)
    {
        var effects = new List<SideEffect>();
        IReadOnlyList<string> to = Addresses.Union([run.Recipients], []);
        if (to.Count > 0)
        {
            var mail = new TicketNotification(0, "", MailKind, "internal", to, [], Subject(site, run), Report(site, run), null);
            effects.Add(new SideEffect(TicketDecider.NotifyEffect, JsonSerializer.Serialize(mail, Json)));
        }

        foreach (IGrouping<string, RunStep> service in run.Steps.Where(s => s.Status == StepStatus.Failed).GroupBy(s => s.Plan.Service))
        {
            string nodes = string.Join(", ", service.Select(s => $"{s.Plan.Command.ToString().ToLowerInvariant()} on {s.Plan.Node}").Distinct());
            string body = $"Site {site} run {run.RunId} ({run.Command}) failed for {service.Key}: {nodes}.\n\n{Report(site, run)}";
            effects.Add(ServiceTicketRequest.Effect(new ServiceTicketRequest(
                $"site-run:{site}:{run.RunId}:{service.Key}", service.Key, settings.DefectQueue, $"{Subject(site, run)}: {service.Key}", body)));
        }

        if (run.Change is { } change)
        {
            // The change learns how its installation went (once: the effect's outbox key is the command's message id).
            string href = $"/api/sites/{Uri.EscapeDataString(site)}/runs/{Uri.EscapeDataString(run.RunId)}";
            var recorded = new RecordInstallation(
                ChangeActor.Hub, change.Tier, run.Outcome == RunOutcome.Succeeded, Evidence: href, Detail: Report(site, run));
            effects.Add(AggregateCommand.Effect<ChangeCommand>(ChangeDecider.AggregateKind, ChangeDecider.IdOf(change.Number), recorded, "site-run"));
        }

        return effects;
    }

    private static string Strategy(UpdateStrategy strategy) => strategy == UpdateStrategy.Rolling ? "rolling" : "stop-all";

    private static string Utc(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    // Instants subtract correctly across a daylight-saving change whatever offsets they were written with.
    private static string Took(DateTimeOffset from, DateTimeOffset? to) =>
        to is { } end ? string.Create(CultureInfo.InvariantCulture, $" ({(long)(end - from).TotalSeconds} s)") : "";
}
