using Hub.Domain.Durable;

namespace Hub.Domain.Tests.Durable;

public sealed class ResultTests
{
    [Fact]
    public void Map_Ok_TransformsTheValue()
    {
        var result = Result<int>.Ok(20);

        Result<string> mapped = result.Map(v => $"#{v + 1}");

        Assert.True(mapped.IsOk);
        Assert.Equal("#21", mapped.Value);
    }

    [Fact]
    public void Map_Rejected_KeepsTheReasonAndSkipsTheMap()
    {
        var result = Result<int>.Rejected("StageRollout -> InVerification is not an allowed transition.");
        bool called = false;

        Result<string> mapped = result.Map(v => { called = true; return v.ToString(System.Globalization.CultureInfo.InvariantCulture); });

        Assert.False(mapped.IsOk);
        Assert.False(called);
        Assert.Equal("StageRollout -> InVerification is not an allowed transition.", mapped.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Rejected_WithoutReason_Throws(string reason)
    {
        Assert.Throws<ArgumentException>(() => Result<int>.Rejected(reason));
    }

    [Fact]
    public void Decision_Of_HasNoEffectsOrTimers()
    {
        Decision<string> decision = Decision<string>.Of("a", "b");

        Assert.Equal(["a", "b"], decision.Events);
        Assert.Empty(decision.Effects);
        Assert.Empty(decision.Timers);
        Assert.Empty(decision.CancelTimers);
    }
}
