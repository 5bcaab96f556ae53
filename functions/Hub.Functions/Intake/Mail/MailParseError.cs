namespace Hub.Functions.Intake.Mail;

/// <summary>
/// Why a mail webhook was refused (or, as a warning, what was repaired): the field, e.g. "from" or
/// "attachment-info.attachment3", and a stable rule such as "required" or "part-missing" for the problem details.
/// </summary>
public sealed record MailParseError(string Field, string Rule);
