using System.Text.Json;
using Hub.Domain.Durable;
using Hub.Domain.Incidents;
using Hub.Domain.Tickets;

namespace Hub.Domain.Tests.Incidents;

/// <summary>The daily summary as an aggregate: its mail is an outbox-committed effect, queued once per day.</summary>
public sealed class DailySummaryDeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly DailySummaryDecider Decider = new();

    [Fact]
    public void Queue_FirstTime_CarriesTheNotifyEffectAndASecondQueueTheSameDayIsRefused()
    {
        var queue = new QueueDailySummary("2026-11-04", ["amit@example.org", "AMIT@example.org"], "Daily summary for 2026-11-04");

        Result<Decision<DailySummaryEvent>> first = Decider.Decide(Decider.Initial, queue, T0);
        DailySummaryState state = first.Value!.Events.Aggregate(Decider.Initial, Decider.Evolve);
        Result<Decision<DailySummaryEvent>> second = Decider.Decide(state, queue, T0.AddMinutes(5));

        Assert.True(first.IsOk, first.Reason);
        SideEffect effect = Assert.Single(first.Value.Effects);
        Assert.Equal(TicketDecider.NotifyEffect, effect.Kind);
        TicketNotification mail = JsonSerializer.Deserialize<TicketNotification>(effect.Payload, Json)!;
        Assert.Equal(("daily-summary", "[hub] Daily summary 2026-11-04", "Daily summary for 2026-11-04"), (mail.Kind, mail.Subject, mail.Body));
        Assert.Equal(["amit@example.org"], mail.To);
        Assert.Equal(("2026-11-04", (DateTimeOffset?)T0), (state.Day, state.QueuedAt));
        Assert.Equal($"The daily summary of 2026-11-04 was already queued at {T0:O}.", second.Reason);
    }

    [Fact]
    public void Queue_WithoutRecipients_IsRefusedNamingTo()
    {
        Result<Decision<DailySummaryEvent>> refused = Decider.Decide(Decider.Initial, new QueueDailySummary("2026-11-04", [], "body"), T0);

        Assert.Equal("to: the daily summary needs a recipient (incidents.teamList).", refused.Reason);
    }
}
