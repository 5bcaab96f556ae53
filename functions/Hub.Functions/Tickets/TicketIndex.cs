using System.Globalization;
using Azure.Data.Tables;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Storage.Durable;

namespace Hub.Functions.Tickets;

/// <summary>
/// What the ticket list filters on, per ticket number, held in memory: each ticket's status, queue, owner and subject
/// from its state row's columns (<see cref="TicketDecider.Columns"/>). The first list reads those columns of every
/// ticket; each list after that reads only the rows written since the last one (storage filters them on
/// <c>UpdatedAt</c>), so a list costs a query that returns a few rows instead of one that returns every ticket. Each
/// instance keeps its own and brings it up to date on every list, so it is never older than the request.
/// </summary>
public sealed class TicketIndex(AggregateStore store, TimeProvider clock) : IDisposable
{
    /// <summary>
    /// How far before the last read the next one starts: a commit stamps <c>UpdatedAt</c> with its writer's clock before
    /// it is stored, so one still in flight (or from an instance whose clock is behind) may land with an earlier time.
    /// </summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(2);

    private static readonly string[] Read = [.. TicketFilter.Columns, "UpdatedAt"];

    private readonly SortedDictionary<long, TicketColumns> _tickets = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset? _readAt;

    /// <summary>The numbers after <paramref name="after"/>, in order, of the tickets <paramref name="filter"/> may match (<see cref="TicketFilter.MayMatch"/>).</summary>
    public async Task<IReadOnlyList<long>> CandidatesAsync(TicketFilter filter, long? after, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await _gate.WaitAsync(ct);
        try
        {
            DateTimeOffset now = clock.GetUtcNow();
            string? since = _readAt is { } last ? StateRows.UpdatedSince(last - Overlap) : null;
            await foreach (TableEntity row in StateRows.ColumnsAsync(store, TicketDecider.AggregateKind, since, Read, ct))
            {
                if (long.TryParse(row.PartitionKey.AsSpan(TicketDecider.AggregateKind.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long number))
                {
                    _tickets[number] = TicketColumns.Of(row);
                }
            }

            _readAt = now;
            var numbers = new List<long>();
            foreach ((long number, TicketColumns columns) in _tickets)
            {
                if (number > (after ?? 0) && filter.MayMatch(columns))
                {
                    numbers.Add(number);
                }
            }

            return numbers;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>A ticket's list columns; <paramref name="Queue"/> is null on a row stored before the columns existed.</summary>
public sealed record TicketColumns(string? Status, string? Queue, string? Owner, string? Subject)
{
    public static TicketColumns Of(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.GetString("StateName"), row.GetString(TicketDecider.QueueColumn), row.GetString(TicketDecider.OwnerColumn), row.GetString(TicketDecider.SubjectColumn));
    }
}
