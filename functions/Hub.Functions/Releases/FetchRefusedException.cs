namespace Hub.Functions.Releases;

/// <summary>
/// The fetch guard refused to connect (the host resolves to an address that is not public, or to none): a retry would
/// be refused the same way, so the outbound pipeline does not retry it.
/// </summary>
public sealed class FetchRefusedException : HttpRequestException
{
    public FetchRefusedException()
    {
    }

    public FetchRefusedException(string message)
        : base(message)
    {
    }

    public FetchRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether <paramref name="exception"/> is, or wraps, a refusal of the guard.</summary>
    public static bool IsRefusal(Exception? exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is FetchRefusedException)
            {
                return true;
            }
        }

        return false;
    }
}
