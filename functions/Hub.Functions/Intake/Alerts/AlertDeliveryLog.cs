using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hub.Storage.Durable;
using Hub.Storage.Tables;

namespace Hub.Functions.Intake.Alerts;

/// <summary>
/// Alert deliveries that have been applied in full, by format and <c>DeliveryKey</c> (equal for an exact repeat,
/// docs/alerts.md), one row each in the durable table (PartitionKey <c>alert-delivery:&lt;sha256&gt;</c>, RowKey
/// <c>done</c>). The endpoint answers a repeat of a recorded delivery at once, without queueing it again: one read
/// instead of a queue message and a tracker read and commit attempt per alert. A row is written only after every alert
/// of the delivery went through its tracker, so a repeat that arrives before that is queued and the trackers' inboxes
/// make it a no-op, as before. Rows are kept, like inbox rows.
/// </summary>
public sealed class AlertDeliveryLog(AggregateStore store)
{
    public const string PartitionPrefix = "alert-delivery:";
    public const string DoneRow = "done";

    private readonly TableClient _table = store.Table;

    public async Task<bool> IsDoneAsync(string format, string deliveryKey, CancellationToken cancellationToken) =>
        await _table.GetAsync(Partition(format, deliveryKey), DoneRow, ["At"], cancellationToken) is not null;

    public async Task MarkDoneAsync(string format, string deliveryKey, int alerts, DateTimeOffset at, CancellationToken cancellationToken) =>
        await _table.UpsertAsync(
            new TableEntity(Partition(format, deliveryKey), DoneRow)
            {
                ["Format"] = format,
                ["DeliveryKey"] = deliveryKey.Length <= 1000 ? deliveryKey : deliveryKey[..1000],
                ["Alerts"] = alerts,
                ["At"] = at,
            },
            TableUpdateMode.Replace,
            cancellationToken);

    // Delivery keys carry Alertmanager group keys of any length and character; the key's hash fits every key rule.
    public static string Partition(string format, string deliveryKey) =>
        PartitionPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{format}\n{deliveryKey}"))));
}
