using System.Text.Json;
using Hub.Domain.Changes;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Tests.Changes;

/// <summary>A London service with Tuesday and Thursday evening windows, the actors of DESIGN 5.4, and a change to drive.</summary>
internal sealed class ChangeFixture
{
    /// <summary>Tuesday 3 March 2026, 09:00 UTC (London is on GMT until 29 March).</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static readonly ChangeActor Requester = new("dana@example.org", [ChangeTeam.Developer]);
    public static readonly ChangeActor Developer = new("dev-eve", [ChangeTeam.Developer]);
    public static readonly ChangeActor Integrator = new("si-ian", [ChangeTeam.SystemIntegrator]);
    public static readonly ChangeActor Pipeline = new("pp-pat", [ChangeTeam.PipelinePlanning]);
    public static readonly ChangeActor TheHub = ChangeActor.Hub;

    public static readonly ChangeSettings Settings = new("ProductionDeploy", "amit-auto-deploy@example.org", "isda-pipeline@example.org");

    public static readonly LoadsetName Build = new("map", "portal", LoadsetKind.Bin, LoadsetStatus.Dev, new LoadsetVersion(2, 4));

    public static readonly LoadsetName PreviousGood = new("map", "portal", LoadsetKind.Bin, LoadsetStatus.Stable, new LoadsetVersion(2, 3));

    public static readonly ChangeService Service = new(
        "map-portal",
        ChangeTier.Default,
        "Europe/London",
        [new WeeklyWindow([DayOfWeek.Tuesday, DayOfWeek.Thursday], new TimeOnly(22, 0), TimeSpan.FromHours(2))],
        [],
        ["map-portal-team@example.org"]);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ChangeDecider Decider { get; } = new(Settings);

    public ChangeState State { get; set; } = ChangeState.None;

    public static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 3, day, hour, minute, 0, TimeSpan.Zero);

    public static OpenChange Open(
        ChangeKind kind = ChangeKind.Enhancement, ChangeService? service = null, string? version = "2.4.1", LoadsetName? build = null, long number = 7, string summary = "Portal search rewrite") =>
        new(Requester, number, service ?? Service, version, kind, summary, build ?? Build);

    /// <summary>Decides <paramref name="command"/> at <paramref name="now"/>, requires it accepted, and folds its events into <see cref="State"/>.</summary>
    public Decision<ChangeEvent> Run(ChangeCommand command, DateTimeOffset now)
    {
        ChangeVerdict verdict = Decider.Evaluate(State, command, now);
        Assert.True(verdict.IsOk, verdict.Refusal?.Message);
        State = verdict.Decision!.Events.Aggregate(State, Decider.Evolve);
        return verdict.Decision;
    }

    /// <summary>Decides <paramref name="command"/>, requires it refused, and checks the state is untouched.</summary>
    public ChangeRefusal Refuse(ChangeCommand command, DateTimeOffset now)
    {
        ChangeState before = State;
        ChangeVerdict verdict = Decider.Evaluate(State, command, now);
        Assert.False(verdict.IsOk, "the command was accepted");
        Assert.Same(before, State);
        Result<Decision<ChangeEvent>> result = Decider.Decide(State, command, now);
        Assert.Equal(verdict.Refusal!.Message, result.Reason);
        return verdict.Refusal!;
    }

    /// <summary>A change opened at T0 (an enhancement, gate approved at 09:30) and, if asked, installed up to <paramref name="through"/>.</summary>
    public static ChangeFixture Approved(
        string? through = null, ChangeService? service = null, ChangeKind kind = ChangeKind.Enhancement, long number = 7, string summary = "Portal search rewrite")
    {
        var f = new ChangeFixture();
        f.Run(Open(kind, service, number: number, summary: summary), T0);
        if (f.State.GateRequired)
        {
            f.Run(new DecideGate(Pipeline, true, "Fits the Q1 plan."), T0.AddMinutes(30));
        }

        if (through is null)
        {
            return f;
        }

        DateTimeOffset now = T0.AddHours(1);
        foreach (ChangeTier tier in f.State.Service!.Tiers)
        {
            ChangeActor actor = tier.ProductionLike ? Integrator : Developer;
            f.Run(new RequestPromotion(actor, tier.Name), now);
            if (f.State.Progress == ChangeProgress.WaitingForWindow)
            {
                now = f.State.WaitingUntil!.Value;
                f.Run(new WindowOpened(TheHub, tier.Name, now), now);
            }

            now = now.AddMinutes(10);
            f.Run(new RecordInstallation(TheHub, tier.Name, true, Detail: "agent: ok"), now);
            if (tier.Name == through)
            {
                break;
            }

            now = now.AddMinutes(10);
        }

        return f;
    }

    public static IReadOnlyList<ChangeInstallation> Installs(Decision<ChangeEvent> d) =>
        [.. d.Effects.Where(e => e.Kind == ChangeInstallation.EffectKind).Select(e => JsonSerializer.Deserialize<ChangeInstallation>(e.Payload, Json)!)];

    public static IReadOnlyList<LibraryUpdate> Library(Decision<ChangeEvent> d) =>
        [.. d.Effects.Where(e => e.Kind == LibraryUpdate.EffectKind).Select(e => JsonSerializer.Deserialize<LibraryUpdate>(e.Payload, Json)!)];

    public static IReadOnlyList<TicketNotification> Mails(Decision<ChangeEvent> d) =>
        [.. d.Effects.Where(e => e.Kind == TicketDecider.NotifyEffect).Select(e => JsonSerializer.Deserialize<TicketNotification>(e.Payload, Json)!)];
}
