using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Hub.Domain.Releases;
using Hub.Functions.Durable;
using Hub.Functions.Hosting;
using Hub.Storage.Durable;
using Hub.Storage.Tables;

namespace Hub.Functions.Releases;

/// <summary>
/// The release metrics table (<c>&lt;DurableName&gt;metrics</c>): one row per (month, release) holding what that
/// release contributed to the month (<see cref="ReleaseMonthFacts"/>), written by the <c>release.metrics</c> side
/// effect as events happen. A row is replaced only by a newer snapshot (higher release version), so a retried or
/// late effect never rolls a figure back; a month's figures are the sum of its partition. <see cref="DurableStorage"/>
/// creates the table.
/// </summary>
public sealed class ReleaseMetricsStore(StorageAccounts accounts, DurableNames names, DurableStorage storage) : ISideEffectHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public TableClient Table { get; } = accounts.Get().GetTableClient(names.MetricsTable);

    public string Kind => ReleaseMetricsSnapshot.EffectKind;

    public async Task ExecuteAsync(SideEffectContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ReleaseMetricsSnapshot snapshot = JsonSerializer.Deserialize<ReleaseMetricsSnapshot>(context.Payload, Json)
            ?? throw new FormatException($"Outbox row {context.IdempotencyKey} has no metrics snapshot.");
        foreach (ReleaseMonthFacts facts in ReleaseMetrics.Facts(snapshot))
        {
            await WriteAsync(facts, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<ReleaseMonthFacts>> MonthAsync(string month, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var facts = new List<ReleaseMonthFacts>();
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>($"PartitionKey eq '{month}'", select: ["Facts"], cancellationToken: cancellationToken))
        {
            facts.Add(JsonSerializer.Deserialize<ReleaseMonthFacts>(row.GetString("Facts")!, Json)!);
        }

        return facts;
    }

    private async Task WriteAsync(ReleaseMonthFacts facts, CancellationToken cancellationToken)
    {
        string row = facts.Release.ToString("D19", CultureInfo.InvariantCulture);
        while (true)
        {
            var entity = new TableEntity(facts.Month, row) { ["Version"] = facts.Version, ["Facts"] = JsonSerializer.Serialize(facts, Json) };
            TableEntity? existing = await Table.GetEntityOrDefaultAsync(facts.Month, row, ["Version"], cancellationToken);
            if (existing is null)
            {
                if (await Table.TryAddEntityAsync(entity, cancellationToken) is not null)
                {
                    return;
                }

                continue; // another writer added it first: compare versions again
            }

            if ((existing.GetInt64("Version") ?? 0) >= facts.Version)
            {
                return;
            }

            try
            {
                await Table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // A concurrent snapshot won; read it and compare again.
            }
        }
    }
}
