using System.Text.Json.Serialization;

namespace Hub.Domain.Changes;

/// <summary>One state the change entered (status and tier, as <see cref="ChangeState.Name"/> writes it), and when.</summary>
public sealed record ChangeHistoryEntry(string State, DateTimeOffset At);

/// <summary>How one tier went: who approved it, when it started and finished, and with what evidence.</summary>
public sealed record TierProgress(
    string Tier,
    string ApprovedBy,
    DateTimeOffset ApprovedAt,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    bool? Succeeded = null,
    bool Manual = false,
    string? Evidence = null,
    string? Detail = null,
    DateTimeOffset? WindowClosedAt = null);

/// <summary>
/// A change request (aggregate kind "change", id = its ProductionDeploy ticket number). Stored as JSON by the durable
/// runtime; every change is a <c>with</c> copy made by <see cref="ChangeDecider.Evolve"/>.
/// </summary>
public sealed record ChangeState
{
    public static ChangeState None { get; } = new();

    public long Number { get; init; }

    public ChangeService? Service { get; init; }

    public string? Version { get; init; }

    public ChangeKind Kind { get; init; }

    public string Summary { get; init; } = "";

    public LoadsetName? Build { get; init; }

    public string Requester { get; init; } = "";

    public bool GateRequired { get; init; }

    public string? GateDecidedBy { get; init; }

    public string? GateReason { get; init; }

    public ChangeProgress Progress { get; init; }

    /// <summary>The tier the status concerns (the one waited for, installing, installed, failed or rolled back); null before the first.</summary>
    public string? Tier { get; init; }

    public string? Tag { get; init; }

    public string? Branch { get; init; }

    /// <summary>A successful installation on the vetting tier vetted the build, and it has not been withdrawn since.</summary>
    public bool Vetted { get; init; }

    public DateTimeOffset? VettedAt { get; init; }

    /// <summary>When a waiting promotion starts, and when the window it waits for closes.</summary>
    public DateTimeOffset? WaitingUntil { get; init; }

    public DateTimeOffset? WindowCloses { get; init; }

    /// <summary>The build a rollback restores (or restored).</summary>
    public LoadsetName? RestoredBuild { get; init; }

    public string? CloseReason { get; init; }

    public IReadOnlyList<TierProgress> Tiers { get; init; } = [];

    public IReadOnlyList<ChangeHistoryEntry> History { get; init; } = [];

    /// <summary>Closed intervals only; see <see cref="TimeInStateAt"/>.</summary>
    public IReadOnlyDictionary<string, TimeSpan> TimeInState { get; init; } = new Dictionary<string, TimeSpan>();

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset StateSince { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    public long Sequence { get; init; }

    [JsonIgnore]
    public bool Exists => Number != 0;

    /// <summary>Emergencies skip the gate and are flagged wherever the change is reported.</summary>
    [JsonIgnore]
    public bool Emergency => Kind == ChangeKind.Emergency;

    [JsonIgnore]
    public bool IsClosed => Progress is ChangeProgress.Declined or ChangeProgress.Cancelled or ChangeProgress.RolledBack;

    /// <summary>The state as history and event rows record it: the status, and the tier it concerns ("Installing STAGE").</summary>
    [JsonIgnore]
    public string Name => Tier is null ? Progress.ToString() : $"{Progress} {Tier}";

    /// <summary>How far the change got: the index in the service's tiers of the last tier installed successfully, or -1.</summary>
    [JsonIgnore]
    public int Position
    {
        get
        {
            IReadOnlyList<ChangeTier> tiers = Service?.Tiers ?? [];
            int position = -1;
            for (int i = 0; i < tiers.Count; i++)
            {
                if (Tiers.Any(t => t.Tier == tiers[i].Name && t.Succeeded == true))
                {
                    position = i;
                }
            }

            return position;
        }
    }

    /// <summary>Time in each state up to <paramref name="now"/>, including the interval still open (none once closed).</summary>
    public IReadOnlyDictionary<string, TimeSpan> TimeInStateAt(DateTimeOffset now)
    {
        var times = new Dictionary<string, TimeSpan>(TimeInState);
        if (Exists && !IsClosed && now > StateSince)
        {
            times[Name] = times.GetValueOrDefault(Name) + (now - StateSince);
        }

        return times;
    }
}
