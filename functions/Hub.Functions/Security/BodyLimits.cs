namespace Hub.Functions.Security;

/// <summary>Largest request bodies the webhook routes accept, in bytes.</summary>
public static class BodyLimits
{
    /// <summary>30 MB for <c>/api/hooks/mail</c>: SendGrid Inbound Parse posts the whole message, attachments included, and caps it at 30 MB.</summary>
    public const long Mail = 30L * 1024 * 1024;

    /// <summary>1 MB for every other hook: alerts and ticket transitions are small JSON documents.</summary>
    public const long Hook = 1024 * 1024;
}
