using System.Globalization;
using System.Text.Json;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;

namespace Hub.Domain.Tickets;

// Lifecycle transitions, alert follow-up and escalation.
public sealed partial class TicketDecider
{
    private Result<Decision<TicketEvent>> ChangeStatus(
        TicketState state, QueueDefinition queue, LifecycleDefinition lifecycle, ChangeStatus c, DateTimeOffset now)
    {
        StatusDefinition? to = lifecycle.Statuses.FirstOrDefault(s => string.Equals(s.Name, c.To?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (to is null)
        {
            return Reject($"Status '{c.To}' is not a status of lifecycle '{lifecycle.Name}'.");
        }

        if (string.Equals(to.Name, state.Status, StringComparison.OrdinalIgnoreCase))
        {
            return Reject($"Ticket #{state.Number} is already {state.Status}.");
        }

        TransitionDefinition? transition = lifecycle.Transitions.FirstOrDefault(t =>
            string.Equals(t.From, state.Status, StringComparison.OrdinalIgnoreCase) && string.Equals(t.To, to.Name, StringComparison.OrdinalIgnoreCase));
        if (transition is null)
        {
            return Reject($"{state.Status} -> {to.Name} is not an allowed transition in lifecycle '{lifecycle.Name}'.");
        }

        if (c.Actor.Role != transition.Role && c.Actor.Role != Role.AppAdmin)
        {
            return Reject($"{state.Status} -> {to.Name} needs role {transition.Role} (or AppAdmin); {c.Actor.Name} has {c.Actor.Role}.");
        }

        string? reason = string.IsNullOrWhiteSpace(c.Reason) ? null : c.Reason.Trim();
        var changed = new StatusChanged(c.Actor.Name, now, state.Status, to.Name, reason, to.Kind == StatusKind.Inactive);

        // Closing an alert's ticket by hand frees the alert: its next firing opens a new ticket.
        SideEffect? release = changed.ToInactive && state.Alert is { } alert && !IsInactive(lifecycle, state.Status)
            ? AggregateCommand.Effect<Intake.Alerts.AlertTrackerCommand>(
                Intake.Alerts.AlertTrackerDecider.AggregateKind, alert.Identity, new Intake.Alerts.AlertTicketClosed(state.Number), c.Actor.Name)
            : null;
        return Ok(changed, StatusNotification(state, queue, changed), release);
    }

    private static Result<Decision<TicketEvent>> AlertFired(TicketState state, LifecycleDefinition lifecycle, AlertFired c, DateTimeOffset now)
    {
        if (state.Alert is null)
        {
            return Reject($"Ticket #{state.Number} was not opened for an alert.");
        }

        if (c.Alert is null || !string.Equals(state.Alert.Identity, c.Alert.Identity, StringComparison.Ordinal))
        {
            return Reject($"Alert '{c.Alert?.Identity}' does not match alert '{state.Alert.Identity}' of ticket #{state.Number}.");
        }

        if (IsInactive(lifecycle, state.Status))
        {
            return Reject($"Ticket #{state.Number} is {state.Status}; a new firing of its alert opens a new ticket.");
        }

        AlertInfo refreshed = state.Alert with
        {
            FiringCount = state.Alert.FiringCount + 1,
            LastSeenAt = c.SeenAt > state.Alert.LastSeenAt ? c.SeenAt : state.Alert.LastSeenAt,
            ResolvedAt = null,
            Labels = c.Alert.Labels,
            Annotations = c.Alert.Annotations,
            Links = c.Alert.Links.Count > 0 ? c.Alert.Links : state.Alert.Links,
            Service = c.Alert.Service ?? state.Alert.Service,
        };
        return Ok(new AlertFiredAgain(c.Actor.Name, now, refreshed));
    }

    private Result<Decision<TicketEvent>> AlertResolved(
        TicketState state, QueueDefinition queue, LifecycleDefinition lifecycle, AlertResolved c, DateTimeOffset now)
    {
        if (state.Alert is null)
        {
            return Reject($"Ticket #{state.Number} was not opened for an alert.");
        }

        if (state.Alert.ResolvedAt is { } resolvedAt)
        {
            return Reject($"The alert of ticket #{state.Number} already resolved at {Format(resolvedAt)}.");
        }

        string text = $"Alert resolved at {Format(c.At)}.";
        var noted = new AlertResolvedNoted(c.Actor.Name, now, c.At, text);
        string? target = queue.AutoResolveOnAlertResolved && !IsInactive(lifecycle, state.Status) ? AutoResolveTarget(state, lifecycle) : null;
        if (target is null)
        {
            SideEffect? note = Notification(
                state.Number, queue, state.Subject, "alert-resolved", isPublic: false, state.Requestors, state.Cc, state.AdminCc,
                except: null, text, inReplyTo: null);
            return Ok(noted, note);
        }

        var resolved = new StatusChanged(Actor.System.Name, now, state.Status, target, text, ToInactive: true);
        SideEffect? notify = StatusNotification(state, queue, resolved);
        return Result<Decision<TicketEvent>>.Ok(new Decision<TicketEvent>([noted, resolved], notify is null ? [] : [notify]));
    }

    // A status called "resolved" reachable from here, else the first Inactive status a transition from here reaches.
    private static string? AutoResolveTarget(TicketState state, LifecycleDefinition lifecycle)
    {
        List<string> reachable = lifecycle.Transitions
            .Where(t => string.Equals(t.From, state.Status, StringComparison.OrdinalIgnoreCase))
            .Select(t => lifecycle.Statuses.FirstOrDefault(s => string.Equals(s.Name, t.To, StringComparison.OrdinalIgnoreCase)))
            .Where(s => s?.Kind == StatusKind.Inactive)
            .Select(s => s!.Name)
            .ToList();
        return reachable.FirstOrDefault(s => string.Equals(s, "resolved", StringComparison.OrdinalIgnoreCase)) ?? reachable.FirstOrDefault();
    }

    private Result<Decision<TicketEvent>> NeedsTechnicalResolution(
        TicketState state, LifecycleDefinition lifecycle, NeedsTechnicalResolution c, DateTimeOffset now)
    {
        if (state.Escalation is { } earlier)
        {
            return Reject($"Ticket #{state.Number} was already escalated to {earlier.TargetQueue} at {Format(earlier.RequestedAt)}.");
        }

        QueueDefinition? target = config.Queue(c.TargetQueue ?? "");
        if (target is null)
        {
            return Reject($"TargetQueue '{c.TargetQueue}' does not exist.");
        }

        if (string.Equals(target.Name, state.Queue, StringComparison.OrdinalIgnoreCase))
        {
            return Reject($"TargetQueue must differ from the ticket's queue '{state.Queue}'.");
        }

        if (IsInactive(lifecycle, state.Status))
        {
            return Reject($"Ticket #{state.Number} is {state.Status}; reopen it before asking for technical resolution.");
        }

        var payload = new EscalationPayload(state.Number, state.Queue, state.Subject, target.Name, state.Priority);
        return Ok(
            new EscalationRequested(c.Actor.Name, now, target.Name),
            new SideEffect(EscalateEffect, JsonSerializer.Serialize(payload, Json)));
    }

    private SideEffect? StatusNotification(TicketState state, QueueDefinition queue, StatusChanged changed)
    {
        string body = $"Status changed from {changed.From} to {changed.To} by {changed.Actor}." + (changed.Reason is null ? "" : $" {changed.Reason}");
        return Notification(
            state.Number, queue, state.Subject, "status", isPublic: true, state.Requestors, state.Cc, state.AdminCc,
            except: null, body, inReplyTo: null);
    }

    private static string Format(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
}
