using Hub.Storage.Tables;

namespace Hub.Storage.Tests.Tables;

public sealed class TableEntityTests
{
    [Theory]
    [InlineData("a/b", "'/'")]
    [InlineData("a\\b", "'\\'")]
    [InlineData("a#b", "'#'")]
    [InlineData("a?b", "'?'")]
    [InlineData("a\tb", "control characters")]
    [InlineData("a\u007fb", "control characters")]
    public void Constructor_ForbiddenKeyCharacter_ThrowsNamingTheRule(string key, string rule)
    {
        var asPartition = Assert.Throws<ArgumentException>(() => new TableEntity(key, "r"));
        var asRow = Assert.Throws<ArgumentException>(() => new TableEntity("p", key));

        Assert.Contains(rule, asPartition.Message, StringComparison.Ordinal);
        Assert.Equal("partitionKey", asPartition.ParamName);
        Assert.Equal("rowKey", asRow.ParamName);
    }

    [Fact]
    public void Indexer_UnsupportedType_Throws()
    {
        var entity = new TableEntity("p", "r");

        var ex = Assert.Throws<ArgumentException>(() => entity["Price"] = 1.5m);

        Assert.Contains("Decimal", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Indexer_SystemProperty_ThrowsOnSetAndReadsOnGet()
    {
        var entity = new TableEntity("p", "r");

        Assert.Throws<ArgumentException>(() => entity["RowKey"] = "x");

        Assert.Equal("r", entity["RowKey"]);
    }

    [Fact]
    public void Indexer_SetNull_RemovesProperty()
    {
        var entity = new TableEntity("p", "r") { ["A"] = "a" };

        entity["A"] = null;

        Assert.Empty(entity.Properties);
    }

    [Fact]
    public void Getters_WrongType_ThrowAndInt32Widens()
    {
        var entity = new TableEntity("p", "r") { ["N"] = 7 };

        var ex = Assert.Throws<InvalidOperationException>(() => entity.GetString("N"));

        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
        Assert.Equal(7L, entity.GetInt64("N"));
        Assert.Equal(7.0, entity.GetDouble("N"));
        Assert.Null(entity.GetInt32("Missing"));
    }
}
