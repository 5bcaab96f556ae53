using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Hub.Storage.Durable;
using Hub.Storage.Tables;

namespace Hub.Functions.Intake.Deliveries;

/// <summary>
/// Delivery records: one row per webhook delivery in the durable table (PartitionKey <c>delivery:&lt;id&gt;</c>, RowKey
/// <c>record</c>), written <c>received</c> by the request that accepts the delivery, then decided by the work that
/// applies it; an alert delivery's record is written once, decided, by the work (<see cref="RecordDecidedAsync"/>). Every change re-reads the row and writes it back under its ETag, so the request and any number of
/// commands reporting at once never lose each other's writes. Kept <see cref="Retention"/> after the last receipt.
/// </summary>
public sealed class DeliveryRecords(AggregateStore store, TimeProvider clock)
{
    public const string PartitionPrefix = "delivery:";
    public const string RecordRow = "record";

    /// <summary>How long a record is kept after its delivery was last received; Housekeeping deletes older ones.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    private const int MaxHistory = 20;
    private const int MaxChanges = 50;
    private const int MaxText = 2000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TableClient _table = store.Table;

    /// <summary>
    /// The record id of a source's delivery: the source's name, then the first 32 hex digits of SHA-256 over the name
    /// and the key its deliveries are deduplicated by. A redelivery gets the same id; two sources' keys never share one.
    /// </summary>
    public static string IdOf(string source, string key) =>
        $"{source}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{source}\n{key}")))[..32]}";

    public static string PathOf(string id) => $"/api/hooks/deliveries/{Uri.EscapeDataString(id)}";

    /// <summary>Records one receipt of the delivery (state <c>received</c>) and returns its id and the receipt's number (1 for the first).</summary>
    public async Task<(string Id, int Receipt)> ReceiveAsync(string source, string key, string target, CancellationToken cancellationToken)
    {
        string id = IdOf(source, key);
        DateTimeOffset now = clock.GetUtcNow();
        if (await _table.TryAddEntityAsync(Row.First(id, source, key, target, now).ToEntity(), cancellationToken) is not null)
        {
            return (id, 1);
        }

        int receipt = 0;
        await UpdateAsync(id, row =>
        {
            receipt = row.Receive(now);
            return true;
        }, cancellationToken);
        return (id, receipt);
    }

    /// <summary>
    /// Records a receipt decided in one step by the work that applied it, with no <c>received</c> row written by the
    /// request before (alert deliveries, whose intake must not wait for a second write): the record is made at the first
    /// such receipt, and a later one counts as another receipt of it.
    /// </summary>
    public async Task RecordDecidedAsync(
        string id, string source, string key, string target, DateTimeOffset receivedAt, string state, string? reason,
        IEnumerable<long> tickets, IEnumerable<string> changes, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        long[] concerned = [.. tickets];
        string[] changed = [.. changes];
        Row fresh = Row.First(id, source, key, target, receivedAt);
        fresh.Concern(concerned, changed);
        fresh.Decide(now, state, reason);
        if (await _table.TryAddEntityAsync(fresh.ToEntity(), cancellationToken) is not null)
        {
            return;
        }

        await UpdateAsync(id, row =>
        {
            row.Receive(receivedAt);
            row.Concern(concerned, changed);
            row.Decide(now, state, reason);
            return true;
        }, cancellationToken);
    }

    /// <summary>Decides the latest receipt: applied, refused or duplicate, with the reason and what it concerned.</summary>
    public Task DecideAsync(
        string id, string state, string? reason, IEnumerable<long> tickets, IEnumerable<string> changes, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        return UpdateAsync(id, row =>
        {
            row.Concern(tickets, changes);
            row.Decide(now, state, reason);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// The delivery was applied to its first aggregate, whose commit sent <paramref name="commands"/> commands on: the
    /// record is decided once each has reported (<see cref="ReportAsync"/>), in whatever order the two arrive.
    /// </summary>
    public Task ExpectAsync(string id, int commands, IEnumerable<long> tickets, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        return UpdateAsync(id, row =>
        {
            row.Expected = commands;
            row.Concern(tickets, []);
            row.Settle(now);
            return true;
        }, cancellationToken);
    }

    /// <summary>One command the delivery sent on has run; a repeat of the same outbox row (<see cref="DeliveryReport.Effect"/>) changes nothing.</summary>
    /// <returns>False when the record is gone (expired) or already had this report.</returns>
    public async Task<bool> ReportAsync(string id, DeliveryReport report, long? ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        DateTimeOffset now = clock.GetUtcNow();
        bool added = false;
        await UpdateAsync(id, row =>
        {
            if (row.Reports.Any(r => r.Effect == report.Effect))
            {
                return false; // the first outcome of a row counts: a retry of an applied command reports it as a duplicate
            }

            row.Reports.Add(report with { Reason = report.Reason is null ? null : Clip(report.Reason) });
            row.Concern(ticket is { } t ? [t] : [], report.Changes.Select(c => $"{report.Target}: {c}"));
            row.Settle(now);
            added = true;
            return true;
        }, cancellationToken);
        return added;
    }

    public async Task<DeliveryRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        TableEntity? entity = await _table.GetEntityOrDefaultAsync(PartitionPrefix + TableKey.Escape(id), RecordRow, cancellationToken: cancellationToken);
        return entity is null ? null : Row.From(entity).ToRecord();
    }

    /// <summary>Deletes at most <paramref name="max"/> records last received before <paramref name="before"/>.</summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> ExpireAsync(DateTimeOffset before, int max, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {PartitionPrefix} and PartitionKey lt {"delivery;"} and RowKey eq {RecordRow} and LastReceivedAt lt {before}");
        int deleted = 0;
        await foreach (TableEntity entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: 100, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (deleted >= max)
            {
                break;
            }

            await _table.DeleteEntityIfExistsAsync(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken);
            deleted++;
        }

        return deleted;
    }

    private async Task UpdateAsync(string id, Func<Row, bool> change, CancellationToken cancellationToken)
    {
        string partition = PartitionPrefix + TableKey.Escape(id);
        while (true)
        {
            if (await _table.GetEntityOrDefaultAsync(partition, RecordRow, cancellationToken: cancellationToken) is not { } entity)
            {
                return; // expired, or never written: nothing to add to
            }

            Row row = Row.From(entity);
            if (!change(row))
            {
                return;
            }

            try
            {
                await _table.UpdateEntityAsync(row.ToEntity(), entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Another writer (a command reporting, a redelivery) came first: apply this change to what it wrote.
            }
        }
    }

    private static string Clip(string text) => text.Length <= MaxText ? text : text[..MaxText];

    /// <summary>The row as it is read and written.</summary>
    private sealed class Row(string id)
    {
        public string Id { get; } = id;

        public string Source { get; set; } = "";

        public string Key { get; set; } = "";

        public string Target { get; set; } = "";

        public string State { get; set; } = DeliveryRecord.Received;

        public string? Reason { get; set; }

        public SortedSet<long> Tickets { get; private init; } = [];

        public List<string> Changes { get; private init; } = [];

        public DateTimeOffset ReceivedAt { get; set; }

        public DateTimeOffset LastReceivedAt { get; set; }

        public int Receipts { get; set; }

        public DateTimeOffset? DecidedAt { get; set; }

        /// <summary>How many commands the first application sent on; -1 until it is known.</summary>
        public int Expected { get; set; } = -1;

        public List<DeliveryReport> Reports { get; private init; } = [];

        public List<DeliveryStep> History { get; private init; } = [];

        /// <summary>The record of a delivery's first receipt, at <paramref name="at"/>.</summary>
        public static Row First(string id, string source, string key, string target, DateTimeOffset at)
        {
            var row = new Row(id) { Source = source, Key = Clip(key), Target = Clip(target), ReceivedAt = at, LastReceivedAt = at, Receipts = 1 };
            row.History.Add(new DeliveryStep(at, DeliveryRecord.Received));
            return row;
        }

        /// <summary>Another receipt, undecided until its work decides it; returns its number (2 for the second).</summary>
        public int Receive(DateTimeOffset at)
        {
            Receipts++;
            LastReceivedAt = at > LastReceivedAt ? at : LastReceivedAt;
            State = DeliveryRecord.Received;
            Reason = null;
            DecidedAt = null;
            Step(at, DeliveryRecord.Received, null);
            return Receipts;
        }

        public void Concern(IEnumerable<long> tickets, IEnumerable<string> changes)
        {
            Tickets.UnionWith(tickets);
            foreach (string change in changes)
            {
                if (Changes.Count < MaxChanges && !Changes.Contains(change, StringComparer.Ordinal))
                {
                    Changes.Add(Clip(change));
                }
            }
        }

        public void Decide(DateTimeOffset now, string state, string? reason)
        {
            State = state;
            Reason = reason is null ? null : Clip(reason);
            DecidedAt = now;
            Step(now, state, Reason);
        }

        /// <summary>Decides a receipt still waiting for its commands once all of them have reported.</summary>
        public void Settle(DateTimeOffset now)
        {
            if (State != DeliveryRecord.Received || Expected < 0 || Reports.Count < Expected)
            {
                return;
            }

            List<DeliveryReport> refused = [.. Reports.Where(r => r.Status == nameof(CommandStatus.Rejected))];
            if (refused.Count > 0)
            {
                Decide(now, DeliveryRecord.Refused, string.Join("; ", refused.Select(r => $"{r.Target}: {r.Reason}")));
            }
            else
            {
                Decide(now, DeliveryRecord.Applied, null);
            }
        }

        public void Step(DateTimeOffset now, string state, string? reason)
        {
            History.Add(new DeliveryStep(now, state, reason));
            if (History.Count > MaxHistory)
            {
                History.RemoveAt(1); // keep the first receipt and the latest steps
            }
        }

        public DeliveryRecord ToRecord() => new(
            Id, Source, Key, Target, State, Reason, [.. Tickets], [.. Changes], ReceivedAt, LastReceivedAt, Receipts, DecidedAt, [.. History]);

        public TableEntity ToEntity() => new(PartitionPrefix + TableKey.Escape(Id), RecordRow)
        {
            ["Id"] = Id,
            ["Source"] = Source,
            ["Key"] = Key,
            ["Target"] = Target,
            ["State"] = State,
            ["Reason"] = Reason,
            ["Tickets"] = JsonSerializer.Serialize(Tickets, Json),
            ["Changes"] = JsonSerializer.Serialize(Changes, Json),
            ["ReceivedAt"] = ReceivedAt,
            ["LastReceivedAt"] = LastReceivedAt,
            ["Receipts"] = Receipts,
            ["DecidedAt"] = DecidedAt,
            ["Expected"] = Expected,
            ["Reports"] = JsonSerializer.Serialize(Reports, Json),
            ["History"] = JsonSerializer.Serialize(History, Json),
        };

        public static Row From(TableEntity e) => new(e.GetString("Id"))
        {
            Source = e.GetString("Source") ?? "",
            Key = e.GetString("Key") ?? "",
            Target = e.GetString("Target") ?? "",
            State = e.GetString("State") ?? DeliveryRecord.Received,
            Reason = e.GetString("Reason"),
            Tickets = new SortedSet<long>(Read<List<long>>(e, "Tickets") ?? []),
            Changes = Read<List<string>>(e, "Changes") ?? [],
            ReceivedAt = e.GetDateTimeOffset("ReceivedAt") ?? default,
            LastReceivedAt = e.GetDateTimeOffset("LastReceivedAt") ?? default,
            Receipts = e.GetInt32("Receipts") ?? 1,
            DecidedAt = e.GetDateTimeOffset("DecidedAt"),
            Expected = e.GetInt32("Expected") ?? -1,
            Reports = Read<List<DeliveryReport>>(e, "Reports") ?? [],
            History = Read<List<DeliveryStep>>(e, "History") ?? [],
        };

        private static T? Read<T>(TableEntity e, string name) =>
            e.GetString(name) is { Length: > 0 } text ? JsonSerializer.Deserialize<T>(text, Json) : default;
    }
}
