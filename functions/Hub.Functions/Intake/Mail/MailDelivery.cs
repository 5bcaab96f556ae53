using Hub.Domain.Intake.Mail;

namespace Hub.Functions.Intake.Mail;

/// <summary>A verified, parsed mail as it travels on the work queue: attachments are already blobs.</summary>
/// <param name="ThreadId">The mail-thread aggregate id: the Message-ID, or a content hash (<see cref="MailThreadIds"/>).</param>
public sealed record MailDelivery(string ThreadId, DateTimeOffset ReceivedAt, MailSummary Mail);
