namespace Hub.Domain.Intake.Mail;

/// <summary>An attachment as received. <paramref name="ContentId"/> has its angle brackets stripped.</summary>
public sealed record MailAttachment(string FileName, string ContentType, byte[] Content, string? ContentId);
