using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Hub.Storage.Durable;
using Hub.Storage.Tables;

namespace Hub.Functions.Intake.Alerts;

/// <summary>
/// Alert deliveries that have been applied in full, by format and <c>DeliveryKey</c> (equal for an exact repeat,
/// docs/alerts.md): one row each in the durable table (PartitionKey <c>alert-delivery:&lt;sha256&gt;</c>, RowKey
/// <c>done</c>), and the most recent ones in memory. The endpoint answers a repeat this process knows at once, from
/// memory, so the acknowledgement never waits for storage; the work handler checks the row before applying a
/// delivery, so a repeat queued by another instance (or before a restart) costs one read instead of a tracker read and
/// commit attempt per alert. A row is written only after every alert of the delivery went through its tracker, so a
/// repeat that arrives before that is applied again and the trackers' inboxes make it a no-op, as before. Rows are
/// kept, like inbox rows.
/// </summary>
public sealed class AlertDeliveryLog(AggregateStore store)
{
    public const string PartitionPrefix = "alert-delivery:";
    public const string DoneRow = "done";

    // Two generations of this many keys: bounded memory (a few MB at most), the newest always kept.
    private const int Generation = 4096;

    private readonly TableClient _table = store.Table;
    private readonly Lock _gate = new();
    private HashSet<string> _recent = new(StringComparer.Ordinal);
    private HashSet<string> _older = new(StringComparer.Ordinal);

    /// <summary>Whether this process applied (or saw recorded) the delivery; no storage request.</summary>
    public bool IsKnownDone(string format, string deliveryKey)
    {
        string partition = Partition(format, deliveryKey);
        lock (_gate)
        {
            return _recent.Contains(partition) || _older.Contains(partition);
        }
    }

    /// <summary>Whether the delivery was applied in full, by this process or any other.</summary>
    public async Task<bool> IsDoneAsync(string format, string deliveryKey, CancellationToken cancellationToken)
    {
        if (IsKnownDone(format, deliveryKey))
        {
            return true;
        }

        string partition = Partition(format, deliveryKey);
        if (await _table.GetEntityOrDefaultAsync(partition, DoneRow, ["At"], cancellationToken) is null)
        {
            return false;
        }

        Remember(partition);
        return true;
    }

    public async Task MarkDoneAsync(string format, string deliveryKey, int alerts, DateTimeOffset at, CancellationToken cancellationToken)
    {
        string partition = Partition(format, deliveryKey);
        await _table.UpsertEntityAsync(
            new TableEntity(partition, DoneRow)
            {
                ["Format"] = format,
                ["DeliveryKey"] = deliveryKey.Length <= 1000 ? deliveryKey : deliveryKey[..1000],
                ["Alerts"] = alerts,
                ["At"] = at,
            },
            TableUpdateMode.Replace,
            cancellationToken);
        Remember(partition);
    }

    // Delivery keys carry Alertmanager group keys of any length and character; the key's hash fits every key rule.
    public static string Partition(string format, string deliveryKey) =>
        PartitionPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{format}\n{deliveryKey}"))));

    private void Remember(string partition)
    {
        lock (_gate)
        {
            if (_recent.Count >= Generation)
            {
                _older = _recent;
                _recent = new HashSet<string>(StringComparer.Ordinal);
            }

            _recent.Add(partition);
        }
    }
}
