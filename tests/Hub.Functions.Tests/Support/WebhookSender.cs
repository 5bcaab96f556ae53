namespace Hub.Functions.Tests.Support;

/// <summary>
/// Delivers like a real webhook sender (Alertmanager, an RT scrip): at most so many requests at once, and a 503
/// (overload or storage trouble, with Retry-After) is tried again; any other status is the answer.
/// </summary>
internal sealed class WebhookSender(int concurrency) : IDisposable
{
    private const int MaxAttempts = 20;

    private readonly SemaphoreSlim _slots = new(concurrency);

    public async Task<HttpResponseMessage> DeliverAsync(Func<Task<HttpResponseMessage>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        await _slots.WaitAsync();
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                HttpResponseMessage response = await send();
                if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == MaxAttempts)
                {
                    return response;
                }

                response.Dispose();
                await Task.Delay(100);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
