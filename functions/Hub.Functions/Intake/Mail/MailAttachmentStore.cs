using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Domain.Intake.Mail;
using Hub.Domain.Tickets;
using Hub.Storage.Blobs;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// Ticket attachments in the <c>&lt;DurableName&gt;-attachments</c> container, named by where they came from and the
/// SHA-256 of their content (<c>mail/&lt;hex&gt;</c>, <c>api/&lt;hex&gt;</c>): a duplicate delivery, or the same
/// file twice, writes the same blob once. The file name is kept as a bare name (<see cref="AttachmentRef.SafeFileName"/>),
/// never a path. The container exists: callers pass DurableStorage first.
/// </summary>
public sealed class MailAttachmentStore(BlobContainerClient container)
{
    public BlobContainerClient Container => container;

    public Task<AttachmentRef> StoreAsync(MailAttachment attachment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        return StoreAsync("mail", attachment.Content, attachment.FileName, attachment.ContentType, cancellationToken);
    }

    public async Task<AttachmentRef> StoreAsync(string origin, ReadOnlyMemory<byte> content, string fileName, string contentType, CancellationToken cancellationToken)
    {
        string name = origin + "/" + Convert.ToHexStringLower(SHA256.HashData(content.Span));
        await container.GetBlobClient(name).UploadIfAbsentAsync(new BinaryData(content), contentType, cancellationToken);
        return new AttachmentRef(name, AttachmentRef.SafeFileName(fileName), contentType, content.Length);
    }
}
