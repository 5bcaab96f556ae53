using Hub.Storage.Tables;

namespace Hub.Storage.Tests.Tables;

public sealed class TableEntityRoundTripTests
{
    [Fact]
    public async Task Get_EveryType_ReadsBackSameTypeAndValue()
    {
        TableClient table = await TestTables.CreateAsync();
        var when = new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.FromHours(2)).AddTicks(1234567);
        var id = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");
        var entity = TestTables.Entity(
            "p",
            "r",
            ("String", "héllo \"world\"\nline2"),
            ("EmptyString", ""),
            ("Int32", int.MinValue),
            ("Int64", (1L << 53) + 1),
            ("Int64Max", long.MaxValue),
            ("Double", 3.25),
            ("IntegralDouble", 42.0),
            ("NaN", double.NaN),
            ("PosInf", double.PositiveInfinity),
            ("NegInf", double.NegativeInfinity),
            ("True", true),
            ("False", false),
            ("When", when),
            ("Id", id),
            ("Bytes", new byte[] { 0, 1, 254, 255 }),
            ("EmptyBytes", Array.Empty<byte>()));
        await table.AddAsync(entity);

        TableEntity stored = (await table.GetAsync("p", "r"))!;
        TableEntity queried = Assert.Single(await table.QueryAsync().ToListAsync());

        foreach (TableEntity read in new[] { stored, queried })
        {
            Assert.Equal("héllo \"world\"\nline2", read["String"]);
            Assert.Equal("", read["EmptyString"]);
            Assert.Equal(int.MinValue, read["Int32"]);
            Assert.Equal(9007199254740993L, read["Int64"]);
            Assert.Equal(long.MaxValue, read["Int64Max"]);
            Assert.Equal(3.25, read["Double"]);
            Assert.Equal(42.0, read["IntegralDouble"]);
            Assert.IsType<double>(read["IntegralDouble"]);
            Assert.Equal(double.NaN, read["NaN"]);
            Assert.Equal(double.PositiveInfinity, read["PosInf"]);
            Assert.Equal(double.NegativeInfinity, read["NegInf"]);
            Assert.Equal(true, read["True"]);
            Assert.Equal(false, read["False"]);
            Assert.Equal(new DateTimeOffset(2024, 2, 29, 21, 59, 58, TimeSpan.Zero).AddTicks(1234567), read["When"]);
            Assert.Equal(when.UtcTicks, read.GetDateTimeOffset("When")!.Value.UtcTicks);
            Assert.Equal(id, read["Id"]);
            Assert.Equal(new byte[] { 0, 1, 254, 255 }, read["Bytes"]);
            Assert.Equal(Array.Empty<byte>(), read["EmptyBytes"]);
        }
    }

    [Fact]
    public async Task Get_Int64BeyondDoublePrecision_IsExact()
    {
        TableClient table = await TestTables.CreateAsync();
        await table.AddAsync(TestTables.Entity("p", "r", ("Sequence", 9007199254740993L)));

        TableEntity stored = (await table.GetAsync("p", "r"))!;

        Assert.Equal(9007199254740993L, stored.GetInt64("Sequence"));
    }

    [Fact]
    public async Task Query_FilterOnInt64AndGuidAndDate_MatchesTypedValues()
    {
        TableClient table = await TestTables.CreateAsync();
        var id = Guid.NewGuid();
        var when = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await table.AddAsync(TestTables.Entity("p", "1", ("Seq", 5L), ("Id", id), ("When", when)));
        await table.AddAsync(TestTables.Entity("p", "2", ("Seq", 6L), ("Id", Guid.NewGuid()), ("When", when.AddDays(1))));

        var bySeq = await table.QueryAsync(TableFilter.Equal("Seq", 5L)).ToListAsync();
        var byId = await table.QueryAsync(TableFilter.Equal("Id", id)).ToListAsync();
        var byWhen = await table.QueryAsync(TableFilter.LessThan("When", when.AddHours(1))).ToListAsync();

        Assert.Equal("1", Assert.Single(bySeq).RowKey);
        Assert.Equal("1", Assert.Single(byId).RowKey);
        Assert.Equal("1", Assert.Single(byWhen).RowKey);
    }
}
