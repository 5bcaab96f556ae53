using System.Security.Cryptography;
using System.Text;
using Hub.Domain.Intake.Mail;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// The id of a mail's mail-thread aggregate: its Message-ID, or "sha256:" and a hash of what the sender wrote when it
/// has none (or one too long for a table key), so a duplicate delivery lands on the same aggregate either way.
/// </summary>
public static class MailThreadIds
{
    // A table PartitionKey holds 1 KiB; the kind prefix and escaping need some of it.
    private const int MaxMessageIdLength = 400;

    public static string For(InboundMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        if (mail.MessageId is { Length: > 0 and <= MaxMessageIdLength } id)
        {
            return id;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string? value)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(value ?? ""));
            hash.AppendData([0]);
        }

        Add(mail.MessageId);
        Add(mail.From.Address);
        Add(string.Join(",", mail.To.Select(a => a.Address)));
        Add(string.Join(",", mail.Cc.Select(a => a.Address)));
        Add(mail.Subject);
        Add(mail.Headers.TryGetValue("Date", out string? date) ? date : null);
        Add(mail.Text);
        Add(mail.Html);
        foreach (MailAttachment attachment in mail.Attachments)
        {
            Add(attachment.FileName);
            hash.AppendData(SHA256.HashData(attachment.Content));
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
