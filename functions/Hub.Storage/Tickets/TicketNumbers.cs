using Azure;
using Azure.Data.Tables;
using Hub.Storage.Tables;

namespace Hub.Storage.Tickets;

/// <summary>
/// Short sequential ticket numbers (#123), unique across every hub process sharing the table. Each process reserves a
/// block of numbers at a time by moving an ETag-guarded counter row forward, then hands them out from memory; two
/// processes can never reserve the same block. Numbers a process reserved but did not use before it stopped are
/// skipped: gaps, never collisions.
/// </summary>
public sealed class TicketNumbers(TableClient table, int blockSize = TicketNumbers.DefaultBlockSize) : IDisposable
{
    public const int DefaultBlockSize = 10;
    public const string CounterPartition = "counters";
    public const string CounterRow = "ticket-number";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _next;
    private long _end;

    public async Task<long> NextAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_next >= _end)
            {
                (_next, _end) = await ReserveBlockAsync(cancellationToken).ConfigureAwait(false);
            }

            return _next++;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(long Start, long End)> ReserveBlockAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TableEntity? counter = await table.GetEntityOrDefaultAsync(CounterPartition, CounterRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (counter is null)
            {
                var first = new TableEntity(CounterPartition, CounterRow) { ["Next"] = 1L + blockSize };
                if (await table.TryAddEntityAsync(first, cancellationToken).ConfigureAwait(false) is not null)
                {
                    return (1, 1 + blockSize);
                }

                continue; // another process created it first
            }

            long start = counter.GetInt64("Next") ?? 1;
            counter["Next"] = start + blockSize;
            try
            {
                await table.UpdateEntityAsync(counter, counter.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return (start, start + blockSize);
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Another process reserved a block in between: read the counter again.
            }
        }
    }

    public void Dispose() => _gate.Dispose();
}
