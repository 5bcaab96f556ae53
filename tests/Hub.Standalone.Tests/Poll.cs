namespace Hub.Standalone.Tests;

/// <summary>Waits for an expected state with a deadline instead of sleeping a fixed time.</summary>
internal static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within)
    {
        DateTime deadline = DateTime.UtcNow + within;
        while (true)
        {
            T value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }

    public static Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan within) =>
        UntilAsync(() => Task.FromResult(read()), done, within);
}
