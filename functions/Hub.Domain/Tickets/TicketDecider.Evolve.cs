namespace Hub.Domain.Tickets;

// The fold: every event is a fact already validated by Decide, so Evolve never refuses.
public sealed partial class TicketDecider
{
    public TicketState Evolve(TicketState state, TicketEvent @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);

        TicketState next = @event switch
        {
            TicketCreated e => new TicketState(
                e.Number, e.Queue, e.Subject, e.Status, e.Priority, null, e.Requestors, e.Cc, e.AdminCc, e.CustomFields, [],
                e.ExternalRef is null ? [] : [e.ExternalRef], e.Source, e.At, e.At, null, e.At, new Dictionary<string, TimeSpan>(),
                e.Classification, e.Alert, WithMessageId([], e.MessageId), e.Attachments.Count),
            Corresponded e => state with
            {
                MessageIds = WithMessageId(state.MessageIds, e.MessageId),
                AttachmentCount = state.AttachmentCount + e.Attachments.Count,
            },
            Commented e => state with
            {
                MessageIds = WithMessageId(state.MessageIds, e.MessageId),
                AttachmentCount = state.AttachmentCount + e.Attachments.Count,
            },
            StatusChanged e => Enter(state, e),
            OwnerChanged e => state with { Owner = e.To },
            PriorityChanged e => state with { Priority = e.To },
            SubjectChanged e => state with { Subject = e.To },
            CustomFieldsChanged e => state with { CustomFields = WithFields(state.CustomFields, e.Changes) },
            WatcherAdded e => WithWatchers(state, e.Kind, [.. Watchers(state, e.Kind), e.Address]),
            WatcherRemoved e => WithWatchers(
                state, e.Kind, Watchers(state, e.Kind).Where(a => !string.Equals(a, e.Address, StringComparison.OrdinalIgnoreCase)).ToList()),
            LinkAdded e => state with { Links = [.. state.Links, new TicketLink(e.Kind, e.Number)] },
            ExternalRefAdded e => state with { ExternalRefs = [.. state.ExternalRefs, e.Ref] },
            FilesAttached e => state with { AttachmentCount = state.AttachmentCount + e.Attachments.Count },
            AlertFiredAgain e => state with { Alert = e.Alert },
            AlertResolvedNoted e => state with { Alert = state.Alert is null ? null : state.Alert with { ResolvedAt = e.ResolvedAt } },
            EscalationRequested e => state with { Escalation = new Escalation(e.TargetQueue, e.At) },
            _ => state,
        };
        return next with { UpdatedAt = @event.At };
    }

    // Closes the interval spent in the old status; a clock that went backwards adds nothing rather than a negative time.
    private static TicketState Enter(TicketState state, StatusChanged e)
    {
        TimeSpan spent = e.At > state.StatusSince ? e.At - state.StatusSince : TimeSpan.Zero;
        var times = new Dictionary<string, TimeSpan>(state.TimeInStatus) { [e.From] = state.TimeInStatus.GetValueOrDefault(e.From) + spent };
        return state with
        {
            Status = e.To,
            StatusSince = e.At,
            TimeInStatus = times,
            ResolvedAt = e.ToInactive ? state.ResolvedAt ?? e.At : null,
        };
    }

    private static Dictionary<string, string> WithFields(IReadOnlyDictionary<string, string> fields, IReadOnlyDictionary<string, string?> changes)
    {
        var result = new Dictionary<string, string>(fields);
        foreach ((string name, string? value) in changes)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = value;
            }
        }

        return result;
    }

    private static TicketState WithWatchers(TicketState state, WatcherKind kind, IReadOnlyList<string> addresses) => kind switch
    {
        WatcherKind.Requestor => state with { Requestors = addresses },
        WatcherKind.Cc => state with { Cc = addresses },
        _ => state with { AdminCc = addresses },
    };

    private static IReadOnlyList<string> WithMessageId(IReadOnlyList<string> ids, string? messageId) =>
        messageId is null ? ids : [.. ids.Skip(Math.Max(0, ids.Count + 1 - TicketState.MaxMessageIds)), messageId];
}
