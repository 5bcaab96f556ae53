namespace Hub.Domain.Intake.Mail;

/// <summary>
/// Which headers mark a mail as sent by a machine, so the hub never answers it automatically (RFC 3834 section 2,
/// plus the de-facto markers of Exchange and common vacation responders).
/// </summary>
public static class AutoSubmission
{
    /// <summary>True when any marker is present. <paramref name="headers"/> must have case-insensitive keys.</summary>
    public static bool IsAutoSubmitted(IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);

        if (headers.ContainsKey(MailThreading.LoopHeader))
        {
            return true;
        }

        // RFC 3834: "no" is the only value that means a person sent it; parameters may follow a ';'.
        if (headers.TryGetValue("Auto-Submitted", out string? autoSubmitted)
            && AnyValue(autoSubmitted, v => !string.Equals(FirstToken(v), "no", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        if (headers.TryGetValue("Precedence", out string? precedence)
            && AnyValue(precedence, v => FirstToken(v).ToUpperInvariant() is "BULK" or "LIST" or "JUNK"))
        {
            return true;
        }

        // Any value: responders set "yes", "true" or their own name.
        if (headers.ContainsKey("X-Autoreply") || headers.ContainsKey("X-Autorespond"))
        {
            return true;
        }

        // Exchange: a comma-separated list such as "DR, OOF, AutoReply"; All and OOF mark generated mail.
        return headers.TryGetValue("X-Auto-Response-Suppress", out string? suppress)
            && suppress.Split([',', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Any(v => v.Equals("All", StringComparison.OrdinalIgnoreCase) || v.Equals("OOF", StringComparison.OrdinalIgnoreCase));
    }

    // Repeated headers arrive joined by "\n".
    private static bool AnyValue(string joined, Func<string, bool> test) =>
        joined.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Any(test);

    private static string FirstToken(string value)
    {
        int semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? value : value[..semicolon]).Trim();
    }
}
