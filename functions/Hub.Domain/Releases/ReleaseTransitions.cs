using Hub.Domain.Intake.Tickets;

namespace Hub.Domain.Releases;

/// <summary>How a move of the DESIGN 5.2 table may be made.</summary>
public enum MoveKind
{
    /// <summary>Requested by a team that may make it.</summary>
    Normal,

    /// <summary>InVerification/WaitingForResponse (or Unverified for an emergency) -> StageRollout: the major release's slot decides between StageRollout and Deferred.</summary>
    SlotRequest,

    /// <summary>Unverified -> StageRollout: emergency releases only.</summary>
    EmergencyOnly,

    /// <summary>Straight to Production: an emergency release, an admin, and an explicit override.</summary>
    AdminOverride,

    /// <summary>Deferred -> StageRollout: only the hub, when the major release's slot frees.</summary>
    Automatic,

    /// <summary>Failed -> the state before it: an admin retry.</summary>
    Retry,
}

/// <summary>One allowed move: from, to, how, and the teams that may request it.</summary>
public sealed record ReleaseMove(RolloutProgress From, RolloutProgress To, MoveKind Kind, IReadOnlyList<ReleaseTeam> Teams);

/// <summary>
/// The RolloutProgress transition table of DESIGN 5.2, exactly: every move not listed is refused with a reason naming
/// both states. Rejected, Ignored, NotPublished and Production are closed; Failed returns only to the state it failed in.
/// </summary>
public static class ReleaseTransitions
{
    public static readonly IReadOnlyList<RolloutProgress> Closed =
        [RolloutProgress.Production, RolloutProgress.Rejected, RolloutProgress.Ignored, RolloutProgress.NotPublished];

    /// <summary>The "open" states of the table: where Ignored, NotPublished and Failed may be entered from.</summary>
    public static readonly IReadOnlyList<RolloutProgress> Open =
    [
        RolloutProgress.Submitted, RolloutProgress.Unverified, RolloutProgress.InVerification, RolloutProgress.WaitingForResponse,
        RolloutProgress.StageRollout, RolloutProgress.Deferred,
    ];

    private static readonly ReleaseTeam[] Submitters = [ReleaseTeam.Provider, ReleaseTeam.Qc, ReleaseTeam.Admin];
    private static readonly ReleaseTeam[] Qc = [ReleaseTeam.Qc, ReleaseTeam.Admin];
    private static readonly ReleaseTeam[] Sr = [ReleaseTeam.Sr, ReleaseTeam.Admin];
    private static readonly ReleaseTeam[] Teams = [ReleaseTeam.Qc, ReleaseTeam.Sr, ReleaseTeam.Admin];
    private static readonly ReleaseTeam[] AdminOrHub = [ReleaseTeam.Admin, ReleaseTeam.System];
    private static readonly ReleaseTeam[] Admin = [ReleaseTeam.Admin];
    private static readonly ReleaseTeam[] Hub = [ReleaseTeam.System];

    public static IReadOnlyList<ReleaseMove> Moves { get; } = Build();

    public static bool IsClosed(RolloutProgress state) => Closed.Contains(state);

    /// <summary>The move from <paramref name="from"/> to <paramref name="to"/>, or null when the table has none.</summary>
    public static ReleaseMove? Find(RolloutProgress from, RolloutProgress to) =>
        Moves.FirstOrDefault(m => m.From == from && m.To == to);

    private static List<ReleaseMove> Build()
    {
        var moves = new List<ReleaseMove>
        {
            new(RolloutProgress.Submitted, RolloutProgress.Unverified, MoveKind.Normal, Submitters),
            new(RolloutProgress.Unverified, RolloutProgress.InVerification, MoveKind.Normal, Qc),
            new(RolloutProgress.InVerification, RolloutProgress.WaitingForResponse, MoveKind.Normal, Qc),
            new(RolloutProgress.WaitingForResponse, RolloutProgress.InVerification, MoveKind.Normal, Qc),
            new(RolloutProgress.InVerification, RolloutProgress.StageRollout, MoveKind.SlotRequest, Qc),
            new(RolloutProgress.WaitingForResponse, RolloutProgress.StageRollout, MoveKind.SlotRequest, Qc),
            new(RolloutProgress.InVerification, RolloutProgress.Deferred, MoveKind.Automatic, Hub),
            new(RolloutProgress.WaitingForResponse, RolloutProgress.Deferred, MoveKind.Automatic, Hub),
            new(RolloutProgress.Unverified, RolloutProgress.Deferred, MoveKind.Automatic, Hub),
            new(RolloutProgress.Deferred, RolloutProgress.StageRollout, MoveKind.Automatic, Hub),
            new(RolloutProgress.StageRollout, RolloutProgress.Production, MoveKind.Normal, Sr),
            new(RolloutProgress.InVerification, RolloutProgress.Rejected, MoveKind.Normal, Qc),
            new(RolloutProgress.WaitingForResponse, RolloutProgress.Rejected, MoveKind.Normal, Qc),
            new(RolloutProgress.StageRollout, RolloutProgress.Rejected, MoveKind.Normal, Sr),
            // Emergency: Submitted -> Unverified -> StageRollout; straight to Production only with an admin override.
            new(RolloutProgress.Unverified, RolloutProgress.StageRollout, MoveKind.EmergencyOnly, Qc),
            new(RolloutProgress.Unverified, RolloutProgress.Production, MoveKind.AdminOverride, Admin),
            new(RolloutProgress.InVerification, RolloutProgress.Production, MoveKind.AdminOverride, Admin),
            new(RolloutProgress.WaitingForResponse, RolloutProgress.Production, MoveKind.AdminOverride, Admin),
        };

        foreach (RolloutProgress open in Open)
        {
            moves.Add(new(open, RolloutProgress.Ignored, MoveKind.Normal, Teams));
            moves.Add(new(open, RolloutProgress.NotPublished, MoveKind.Normal, Teams));
            moves.Add(new(open, RolloutProgress.Failed, MoveKind.Normal, AdminOrHub));
            moves.Add(new(RolloutProgress.Failed, open, MoveKind.Retry, Admin));
        }

        return moves;
    }
}
