using Hub.Domain.Catalog;
using Hub.Domain.Configuration;
using Hub.Domain.Durable;
using Hub.Domain.Tickets;

namespace Hub.Domain.Tests.Catalog;

public sealed class ServiceEntryDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Operator = new("ops", Role.Operator);
    private readonly ServiceEntryDecider _decider = new();

    [Fact]
    public void Record_FirstVersion_IsVersion1WithEveryFieldSetAsChanged()
    {
        ServiceRecorded recorded = Single(_decider.Initial, new RecordService(Operator, CatalogFixture.Db, ExpectedVersion: 0));

        Assert.Equal((1, "ops", Now), (recorded.Version, recorded.Actor, recorded.At));
        Assert.Equal(["name", "owners", "startupRank", "tiers"], recorded.Changed);
        Assert.Equal(new ServiceEntryState(CatalogFixture.Db, 1, "ops", Now), _decider.Evolve(_decider.Initial, recorded));
    }

    [Fact]
    public void Record_AgainstTheConfigSeed_ListsOnlyTheFieldsThatDiffer()
    {
        ServiceRecord changed = CatalogFixture.Db with { RunBookUrl = "https://runbooks.example.org/db", StartupRank = 11 };

        ServiceRecorded recorded = Single(_decider.Initial, new RecordService(Operator, changed, 0, Seed: CatalogFixture.Db));

        Assert.Equal(["runBookUrl", "startupRank"], recorded.Changed);
    }

    [Fact]
    public void Changed_EmptyListAndLeftOutList_AreTheSame()
    {
        Assert.Empty(ServiceEntryDecider.Changed(CatalogFixture.Db, CatalogFixture.Db with { RecipientLists = [] }));
        Assert.Equal(["recipientLists"], ServiceEntryDecider.Changed(CatalogFixture.Db, CatalogFixture.Db with { RecipientLists = ["team"] }));
    }

    [Fact]
    public void Record_StaleExpectedVersionInvalidRecordOrAnotherService_IsRefused()
    {
        ServiceEntryState stored = new(CatalogFixture.Db, 3, "ops", Now);

        Result<Decision<ServiceEntryEvent>> stale = _decider.Decide(stored, new RecordService(Operator, CatalogFixture.Db, 2), Now);
        Result<Decision<ServiceEntryEvent>> invalid = _decider.Decide(stored, new RecordService(Operator, CatalogFixture.Db with { Owners = [] }, 3), Now);
        Result<Decision<ServiceEntryEvent>> other = _decider.Decide(stored, new RecordService(Operator, CatalogFixture.App, 3), Now);

        Assert.StartsWith(ServiceEntryDecider.Stale, stale.Reason, StringComparison.Ordinal);
        Assert.Contains("version 3, not 2", stale.Reason, StringComparison.Ordinal);
        Assert.Contains("owners", invalid.Reason, StringComparison.Ordinal);
        Assert.Equal("The record is service 'db', not 'app'.", other.Reason);
    }

    private ServiceRecorded Single(ServiceEntryState state, ServiceEntryCommand command)
    {
        Result<Decision<ServiceEntryEvent>> result = _decider.Decide(state, command, Now);
        Assert.True(result.IsOk, result.Reason);
        return Assert.IsType<ServiceRecorded>(Assert.Single(result.Value!.Events));
    }
}
