using Hub.Domain.Intake.Mail;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// The parsed mail, or the errors that refused it (then <see cref="Mail"/> is null). <see cref="Warnings"/> lists
/// what was accepted but repaired, such as an unknown charset decoded as UTF-8.
/// </summary>
public sealed record MailParseResult(InboundMail? Mail, IReadOnlyList<MailParseError> Errors)
{
    public IReadOnlyList<MailParseError> Warnings { get; init; } = [];

    public bool IsOk => Mail is not null && Errors.Count == 0;
}
