namespace Hub.Functions.Intake.Mail;

/// <summary>Per-mail limits the parser enforces; the 30 MB request limit is the endpoint's.</summary>
internal static class MailLimits
{
    public const int MaxAttachments = 100;

    /// <summary>One field or attachment, in bytes (for JSON strings: in characters; base64 content: decoded bytes).</summary>
    public const int MaxFieldBytes = 10 * 1024 * 1024;
}
