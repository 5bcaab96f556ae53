using Hub.Storage.Tables;

namespace Hub.Storage.Tests.Tables;

public sealed class TableFilterTests
{
    [Fact]
    public void Equal_ValueWithQuote_DoublesTheQuote()
    {
        string filter = TableFilter.Equal("Owner", "O'Brien");

        Assert.Equal("Owner eq 'O''Brien'", filter);
    }

    [Fact]
    public void And_ThreeFilters_ParenthesisesEach()
    {
        string filter = TableFilter.And("A eq 1", "B eq 2", "C eq 3");

        Assert.Equal("(A eq 1) and (B eq 2) and (C eq 3)", filter);
    }

    [Fact]
    public void RowKeyRange_Bounds_GreaterOrEqualAndLessThan()
    {
        string filter = TableFilter.RowKeyRange("t-1", "event-0001", "event-0100");

        Assert.Equal("(PartitionKey eq 't-1') and (RowKey ge 'event-0001') and (RowKey lt 'event-0100')", filter);
    }

    [Fact]
    public void RowKeyPrefix_Prefix_UpperBoundIsLastCharBumped()
    {
        string filter = TableFilter.RowKeyPrefix("t-1", "event-");

        Assert.Equal("(PartitionKey eq 't-1') and (RowKey ge 'event-') and (RowKey lt 'event.')", filter);
    }

    [Fact]
    public void Equal_TypedLiterals_UseODataSyntax()
    {
        string int64 = TableFilter.Equal("Seq", 42L);
        string guid = TableFilter.Equal("Id", Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"));
        string date = TableFilter.Equal("When", new DateTimeOffset(2025, 1, 2, 5, 4, 5, TimeSpan.FromHours(2)));
        string boolean = TableFilter.Equal("Done", true);

        Assert.Equal("Seq eq 42L", int64);
        Assert.Equal("Id eq guid'6f9619ff-8b86-d011-b42d-00c04fc964ff'", guid);
        Assert.Equal("When eq datetime'2025-01-02T03:04:05.0000000Z'", date);
        Assert.Equal("Done eq true", boolean);
    }
}
