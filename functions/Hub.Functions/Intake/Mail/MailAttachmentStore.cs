using System.Security.Cryptography;
using Hub.Domain.Intake.Mail;
using Hub.Domain.Tickets;
using Hub.Storage.Blobs;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// Mail attachments in the <c>&lt;DurableName&gt;-attachments</c> container, named by the SHA-256 of their content
/// (<c>mail/&lt;hex&gt;</c>): a duplicate delivery, or the same file in two mails, writes the same blob once.
/// </summary>
public sealed class MailAttachmentStore(BlobContainerClient container) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public BlobContainerClient Container => container;

    public static string BlobName(ReadOnlySpan<byte> content) => "mail/" + Convert.ToHexStringLower(SHA256.HashData(content));

    public async Task<AttachmentRef> StoreAsync(MailAttachment attachment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        await EnsureAsync(cancellationToken);
        string name = BlobName(attachment.Content);
        await container.GetBlobClient(name).UploadIfAbsentAsync(new BinaryData(attachment.Content), attachment.ContentType, cancellationToken);
        return new AttachmentRef(name, attachment.FileName, attachment.ContentType, attachment.Content.LongLength);
    }

    private async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_ready)
            {
                await container.CreateIfNotExistsAsync(cancellationToken);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
