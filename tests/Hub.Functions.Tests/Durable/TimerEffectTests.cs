using System.Text.Json;
using Hub.Functions.Durable;
using Hub.Storage.Durable;
using Hub.Testing;

namespace Hub.Functions.Tests.Durable;

/// <summary>The timer effect hands the durable engine a real time to fire at, never before the aggregate's due time.</summary>
public sealed class TimerEffectTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Execute_HubClockIsTheSystemClock_FireAtIsNeverBeforeTheDueTime()
    {
        var effect = new TimerEffect(TimeProvider.System);
        var started = new RecordingStarter();
        // Each hand-over reads both clocks; had the real time been read before the hub's, fireAt would come out a few
        // hundred nanoseconds early nearly every time (an incident paged 23 microseconds before its deadline, once).
        for (int i = 0; i < 200; i++)
        {
            var timer = new AggregateTimer("incident", "1", "escalate", $"t{i}", TimeProvider.System.GetUtcNow().AddSeconds(30));
            string payload = JsonSerializer.Serialize(timer, Json);
            await effect.ExecuteAsync(new SideEffectContext("incident:1", $"o{i}", AggregateTimer.EffectKind, payload, started, timer.DueAt), CancellationToken.None);

            var handed = (AggregateTimer)started.Started[timer.InstanceId].Input;
            Assert.True(handed.FireAt >= timer.DueAt, $"fires at {handed.FireAt:O}, due {timer.DueAt:O}");
        }
    }
}
