namespace Hub.Domain.Intake.Mail;

/// <summary>One mailbox. <paramref name="Address"/> is lower-cased so routes and contacts compare ordinally.</summary>
public sealed record MailAddress(string Address, string? DisplayName);
