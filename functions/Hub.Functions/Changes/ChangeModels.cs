using Hub.Domain.Changes;

namespace Hub.Functions.Changes;

/// <summary><c>POST /api/changes</c>: the service (a catalog record), the version, the kind, a summary and optionally the build (a loadset name).</summary>
/// <param name="Kind">new-system, enhancement, fix, long-term-fix or emergency (any case; spaces, '-' and '_' are ignored).</param>
public sealed record ChangeRequestBody(string? Service, string? Version, string? Kind, string? Summary, string? Build);

/// <summary><c>POST /api/changes/{n}/decisions</c>: isda-pipeline's <c>approve</c> or <c>decline</c>, with a reason.</summary>
public sealed record GateDecisionBody(string? Decision, string? Reason);

public sealed record PromotionBody(string? Tier);

/// <summary><c>POST /api/changes/{n}/installations</c>: a manual installation's outcome, with its evidence.</summary>
public sealed record InstallationBody(string? Tier, bool? Succeeded, string? Evidence, string? Detail);

public sealed record ReasonBody(string? Reason);

/// <summary><c>POST /api/changes/library/{service}</c>: a stable bin already in service, recorded as a baseline.</summary>
public sealed record LibraryBaselineBody(string? Loadset, string? Reason);

/// <summary>A change with its state name, its time in each state up to now, and where to find its ticket.</summary>
public sealed record ChangeView(long Number, string State, bool Emergency, IReadOnlyDictionary<string, TimeSpan> TimeInState, string Ticket, ChangeState Change)
{
    public static ChangeView Of(ChangeState state, DateTimeOffset now) =>
        new(state.Number, state.Name, state.Emergency, state.TimeInStateAt(now), $"/api/tickets/{state.Number}", state);
}

/// <summary>A line of <c>GET /api/changes</c>.</summary>
public sealed record ChangeListItem(
    long Number, string Service, string? Version, ChangeKind Kind, string State, bool Emergency, string Summary, DateTimeOffset? WaitingUntil, DateTimeOffset UpdatedAt, string Href)
{
    public static ChangeListItem Of(ChangeState s) =>
        new(s.Number, s.Service!.Name, s.Version, s.Kind, s.Name, s.Emergency, s.Summary, s.WaitingUntil, s.UpdatedAt, $"/api/changes/{s.Number}");
}

public sealed record ChangeList(IReadOnlyList<ChangeListItem> Items);

public sealed record CalendarView(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<CalendarEvent> Events);
