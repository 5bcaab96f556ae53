using System.Text.Json;
using Hub.Domain.Catalog;
using Hub.Domain.Durable;
using Hub.Domain.Sites;
using Hub.Domain.Tests.Catalog;
using Hub.Domain.Tickets;

namespace Hub.Domain.Tests.Sites;

/// <summary>Feeds commands to a site's runs as the runtime would (decide, then fold the events), keeping every effect.</summary>
internal sealed class RunDriver(SiteRunSettings? settings = null)
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public SiteRunDecider Decider { get; } = new(settings ?? SiteRunSettings.Default);

    public SiteRunState State { get; private set; } = SiteRunState.None;

    public List<SideEffect> Effects { get; } = [];

    public DateTimeOffset Now { get; set; } = T0;

    public static SitePlan ShopPlan(SiteCommand command, string runId = "r1", bool keepGoing = false, UpdateStrategy strategy = UpdateStrategy.StopAll) =>
        SitePlanner.Plan(CatalogFixture.Shop, CatalogFixture.Catalog, command, new PlanOptions(runId, keepGoing, strategy, "LIVE")).Value!;

    public static StartRun Start(SitePlan plan, string actor = "alice") => new(actor, plan, "hub-1", ["shop-ops@example.org"]);

    /// <summary>Decides and applies <paramref name="command"/>, one second after the previous one; fails the test on a refusal.</summary>
    public Decision<SiteRunEvent> Apply(SiteRunCommand command)
    {
        Result<Decision<SiteRunEvent>> result = Try(command);
        Assert.True(result.IsOk, result.Reason);
        return result.Value!;
    }

    public Result<Decision<SiteRunEvent>> Try(SiteRunCommand command)
    {
        Now = Now.AddSeconds(1);
        Result<Decision<SiteRunEvent>> result = Decider.Decide(State, command, Now);
        if (result.IsOk)
        {
            State = result.Value!.Events.Aggregate(State, Decider.Evolve);
            Effects.AddRange(result.Value.Effects);
        }

        return result;
    }

    /// <summary>Starts and completes the next step with <paramref name="outcome"/>.</summary>
    public Decision<SiteRunEvent> Step(StepOutcome outcome, string? output = null, string runId = "r1")
    {
        string stepId = State.Run(runId)!.NextStep!.Plan.StepId;
        Apply(new StepStarted("orchestration", runId, stepId));
        return Apply(new StepCompleted("agent", runId, stepId, outcome, output, outcome == StepOutcome.Succeeded ? 0 : 1));
    }

    public SiteRun Run(string runId = "r1") => State.Run(runId)!;

    public IReadOnlyList<StepStatus> Statuses(string runId = "r1") => [.. Run(runId).Steps.Select(s => s.Status)];

    public IReadOnlyList<TicketNotification> Mails() =>
        [.. Effects.Where(e => e.Kind == TicketDecider.NotifyEffect).Select(e => JsonSerializer.Deserialize<TicketNotification>(e.Payload, Json)!)];

    public IReadOnlyList<ServiceTicketRequest> Tickets() =>
        [.. Effects.Where(e => e.Kind == ServiceTicketRequest.EffectKind).Select(e => ServiceTicketRequest.Parse(e.Payload))];
}
