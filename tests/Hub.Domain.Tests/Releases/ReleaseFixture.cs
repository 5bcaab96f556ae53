using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Intake.Tickets;
using Hub.Domain.Releases;
using Hub.Domain.Tickets;

namespace Hub.Domain.Tests.Releases;

/// <summary>A DESIGN 5.2 release configuration, actors per team, and a tiny in-memory bus between releases and slots.</summary>
internal sealed class ReleaseFixture
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static readonly ReleaseActor Provider = new("provider@vendor.example", [ReleaseTeam.Provider]);
    public static readonly ReleaseActor Qc = new("qc-amy", [ReleaseTeam.Qc]);
    public static readonly ReleaseActor Sr = new("sr-bob", [ReleaseTeam.Sr]);
    public static readonly ReleaseActor Admin = new("root", [ReleaseTeam.Admin]);
    public static readonly ReleaseActor Everyone = new("everyone", [ReleaseTeam.Provider, ReleaseTeam.Qc, ReleaseTeam.Sr, ReleaseTeam.Admin]);

    public static readonly HubConfiguration Config = new HubConfiguration(
        [],
        [],
        [
            new ContactList("sw-rel-qc", "sw-rel-qc@example.org", true),
            new ContactList("sw-rel-sr", "sw-rel-sr@example.org", true),
            new ContactList("sw-rel-production", "sw-rel-production@example.org", true),
            new ContactList("sw-rel-admin", "sw-rel-admin@example.org", true),
        ],
        new MailIntakeDefinition([], [], [], [], "Customer-Support", "ProductionDefect"),
        new AlertIntakeDefinition("ProductionDefect", [], new SeverityMapping("default", 30, AlertClassification.Informational)),
        [])
    {
        Releases = ReleaseWorkflowDefinition.Default with
        {
            Owners = new Dictionary<RolloutProgress, string>
            {
                [RolloutProgress.InVerification] = "qc-lead@example.org",
                [RolloutProgress.StageRollout] = "sr-lead@example.org",
            },
            ReleaseManager = "release-manager@example.org",
            EarlyAdopters =
            [
                new EarlyAdopterTeam("ea-ibergrid", "IBERGRID", "ea-ibergrid@example.org"),
                new EarlyAdopterTeam("ea-fr", "NGI_FRANCE", "ea-fr@example.org"),
            ],
            Deadlines = new Dictionary<RolloutProgress, TimeSpan> { [RolloutProgress.InVerification] = TimeSpan.FromDays(10) },
            EmergencyDeadlines = new Dictionary<RolloutProgress, TimeSpan> { [RolloutProgress.InVerification] = TimeSpan.FromHours(8) },
        },
    };

    public static readonly ReleaseMetadata Metadata = new(
        "Foo 2.1.0", "2.1.0", "foo", "umd-4", ReleaseType.Incremental, ["sl6/x86_64"],
        [new SoftwareComponent("foo-server", [new ReleasePackage("foo-server", "2.1.0-1", "x86_64", 10, new string('a', 64), "rpms/foo-server.rpm")])]);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ReleaseDecider Decider { get; } = new(Config);

    public ReleaseSlotDecider Slots { get; } = new();

    public Dictionary<long, ReleaseState> Releases { get; } = [];

    public Dictionary<string, ReleaseSlotState> SlotStates { get; } = [];

    /// <summary>Every side effect emitted, in order (commands between releases and slots are also delivered).</summary>
    public List<SideEffect> Effects { get; } = [];

    /// <summary>A release in <paramref name="progress"/> as if it had got there (metadata, area and slot to match).</summary>
    public static ReleaseState In(RolloutProgress progress, bool emergency = false, RolloutProgress failedFrom = RolloutProgress.InVerification)
    {
        RolloutProgress where = progress == RolloutProgress.Failed ? failedFrom : progress;
        return ReleaseState.None with
        {
            Number = 7, Title = "Foo 2.1.0", Provider = "provider@vendor.example", Emergency = emergency, Progress = progress,
            FailedFrom = progress == RolloutProgress.Failed ? failedFrom : null, Metadata = Metadata, MetadataFrozen = progress != RolloutProgress.Submitted,
            Area = ReleaseAreas.For(where, Metadata), SyncUrl = "https://vendor.example/foo/",
            Slot = where is RolloutProgress.StageRollout ? SlotStatus.Holding : where == RolloutProgress.Deferred ? SlotStatus.Queued : SlotStatus.None,
            CreatedAt = T0, ProgressSince = T0, Entries = [new StateEntry(RolloutProgress.Submitted, T0)], Version = 1,
        };
    }

    public Result<Decision<ReleaseEvent>> Decide(ReleaseState state, ReleaseCommand command, DateTimeOffset? now = null) =>
        Decider.Decide(state, command, now ?? T0);

    public static ReleaseState Apply(ReleaseDecider decider, ReleaseState state, Decision<ReleaseEvent> decision) =>
        decision.Events.Aggregate(state, decider.Evolve);

    /// <summary>Sends a command to release <paramref name="number"/>; commands it emits to slots and releases are delivered too.</summary>
    public Result<Decision<ReleaseEvent>> Send(long number, ReleaseCommand command, DateTimeOffset now)
    {
        ReleaseState state = Releases.GetValueOrDefault(number) ?? ReleaseState.None;
        Result<Decision<ReleaseEvent>> result = Decider.Decide(state, command, now);
        if (result.IsOk)
        {
            Releases[number] = Apply(Decider, state, result.Value!);
            Deliver(result.Value!.Effects, now);
        }

        return result;
    }

    public void Deliver(IEnumerable<SideEffect> effects, DateTimeOffset now)
    {
        foreach (SideEffect effect in effects)
        {
            Effects.Add(effect);
            if (effect.Kind != AggregateCommand.EffectKind)
            {
                continue;
            }

            AggregateCommand command = AggregateCommand.Parse(effect.Payload);
            if (command.Kind == ReleaseSlotDecider.AggregateKind)
            {
                ReleaseSlotState slot = SlotStates.GetValueOrDefault(command.Id) ?? ReleaseSlotState.Free;
                Result<Decision<ReleaseSlotEvent>> decided = Slots.Decide(slot, JsonSerializer.Deserialize<ReleaseSlotCommand>(command.Command, Json)!, now);
                Assert.True(decided.IsOk, decided.Reason);
                SlotStates[command.Id] = decided.Value!.Events.Aggregate(slot, Slots.Evolve);
                Deliver(decided.Value.Effects, now);
            }
            else if (command.Kind == ReleaseDecider.AggregateKind)
            {
                Result<Decision<ReleaseEvent>> decided = Send(long.Parse(command.Id, System.Globalization.CultureInfo.InvariantCulture), JsonSerializer.Deserialize<ReleaseCommand>(command.Command, Json)!, now);
                Assert.True(decided.IsOk, decided.Reason);
            }
        }
    }

    public IEnumerable<T> Commands<T>(string kind)
    {
        foreach (SideEffect effect in Effects.Where(e => e.Kind == AggregateCommand.EffectKind))
        {
            AggregateCommand command = AggregateCommand.Parse(effect.Payload);
            if (command.Kind == kind && JsonSerializer.Deserialize<T>(command.Command, Json) is { } typed)
            {
                yield return typed;
            }
        }
    }

    public static IEnumerable<TicketNotification> Mails(IEnumerable<SideEffect> effects) =>
        effects.Where(e => e.Kind == TicketDecider.NotifyEffect).Select(e => JsonSerializer.Deserialize<TicketNotification>(e.Payload, Json)!);

    /// <summary>Opens release <paramref name="number"/> for major release <paramref name="major"/> with metadata uploaded.</summary>
    public void Open(long number, string major = "umd-4", bool emergency = false, DateTimeOffset? at = null)
    {
        DateTimeOffset now = at ?? T0;
        Assert.True(Send(number, new OpenRelease(Provider, number, $"Release {number}", "provider@vendor.example", emergency, SyncProtocol: "https", SyncUrl: "https://vendor.example/r/"), now).IsOk);
        ReleaseMetadata m = Metadata with { Version = $"2.1.{number}", AssociatedMajorRelease = major };
        Assert.True(Send(number, new UploadMetadata(Provider, m, ReleaseDecider.DraftBlobOf(number, new string('b', 64)), new string('b', 64)), now).IsOk);
    }

    /// <summary>Moves a release as a person would, completing every artifact step at once.</summary>
    public void Move(long number, RolloutProgress to, ReleaseActor? actor = null, DateTimeOffset? at = null, bool overrideFlag = false)
    {
        DateTimeOffset now = at ?? T0;
        Result<Decision<ReleaseEvent>> result = Send(number, new RequestTransition(actor ?? Everyone, to, Override: overrideFlag), now);
        Assert.True(result.IsOk, result.Reason);
        CompleteArtifacts(number, now);
    }

    public void CompleteArtifacts(long number, DateTimeOffset now)
    {
        while (Releases[number].ArtifactsPendingFor is { } target)
        {
            ReleaseState r = Releases[number];
            string area = ReleaseAreas.For(target, r.Metadata!)!;
            Assert.True(Send(number, new ArtifactsDone(ReleaseActor.Hub, target, area, "https://blob.example/repo/" + area, null, null), now).IsOk);
        }
    }
}
