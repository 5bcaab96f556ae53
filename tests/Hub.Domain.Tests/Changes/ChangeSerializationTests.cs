using System.Text.Json;
using Hub.Domain.Changes;
using static Hub.Domain.Tests.Changes.ChangeFixture;

namespace Hub.Domain.Tests.Changes;

// The durable runtime stores state, commands and events as JSON (web defaults): they must come back as they went in.
public sealed class ChangeSerializationTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void ChangeState_AfterAWalk_RoundTrips()
    {
        ChangeFixture f = Approved(through: "STAGE");
        f.Run(new RequestPromotion(Integrator, "PROD"), At(4, 9));
        string json = JsonSerializer.Serialize(f.State, Json);

        ChangeState back = JsonSerializer.Deserialize<ChangeState>(json, Json)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, Json));
        Assert.Equal("WaitingForWindow PROD", back.Name);
        Assert.Equal(2, back.Position);
        Assert.Equal(new TimeOnly(22, 0), back.Service!.Windows[0].Start);
        Assert.Equal(Build, back.Build);
        Assert.Contains("\"progress\":\"WaitingForWindow\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangeCommand_Polymorphic_RoundTripsWithItsType()
    {
        ChangeCommand command = new RequestRollback(Integrator, "Broken.", PreviousGood);
        string json = JsonSerializer.Serialize(command, Json);

        ChangeCommand back = JsonSerializer.Deserialize<ChangeCommand>(json, Json)!;

        RequestRollback rollback = Assert.IsType<RequestRollback>(back);
        Assert.Equal(PreviousGood, rollback.LastKnownGood);
        Assert.StartsWith("{\"type\":\"rollback\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangeEvent_Polymorphic_RoundTripsWithItsType()
    {
        ChangeEvent e = new PromotionWaiting("STAGE", At(3, 22), At(4, 0), At(3, 21, 59));
        string json = JsonSerializer.Serialize(e, Json);

        ChangeEvent back = JsonSerializer.Deserialize<ChangeEvent>(json, Json)!;

        Assert.Equal(e, back);
    }
}
