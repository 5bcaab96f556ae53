using System.Runtime.InteropServices;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Mail;
using Hub.Domain.Tickets;
using Hub.Functions.Http;
using Hub.Functions.Security;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// <c>POST /api/hooks/mail</c>: verify, parse (SendGrid Inbound Parse or the JSON mail format), write the attachments
/// to blob storage, store the mail durably on the work queue, then answer 202. Storage failures propagate: the host
/// answers 503 and the sender retries.
/// </summary>
public sealed class MailFunctions(
    HubConfiguration config, WebhookVerifier verifier, WorkQueue work, Durable.DurableStorage storage, MailAttachmentStore attachments, TimeProvider clock)
{
    public const string SourceKind = "mail";

    [Function("Mail_Receive")]
    [AllowAnonymous]
    [IntakeLimited]
    [Tags("Intake")]
    [EndpointSummary("Receive a mail: SendGrid Inbound Parse (multipart/form-data) or its JSON equivalent")]
    [EndpointDescription("Routed by recipient and rules, threaded by [hub #N] or In-Reply-To/References. 202 once stored; 413 over 30 MB; 422 naming the fields.")]
    [ProducesResponseType<MailAccepted>(StatusCodes.Status202Accepted)]
    [ProducesResponseType(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    [ProducesResponseType(StatusCodes.Status503ServiceUnavailable)]
    public async Task<IResult> ReceiveAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/hooks/mail")] HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (config.Sources.FirstOrDefault(s => s.Kind == SourceKind) is not { } source)
        {
            return IntakeProblems.UnknownRoute($"No webhook source of kind '{SourceKind}' is configured.");
        }

        WebhookReceipt receipt = await verifier.ReceiveAsync(request, source, BodyLimits.Mail, ct);
        if (receipt.Refusal is { } refusal)
        {
            return refusal;
        }

        MailParseResult parsed = await InboundMailParser.ParseAsync(request.ContentType ?? "", AsStream(receipt.Body), ct);
        if (!parsed.IsOk)
        {
            return IntakeProblems.Invalid("The mail is not valid.", parsed.Errors.Select(e => new IntakeProblems.FieldError(e.Field, e.Rule)));
        }

        InboundMail mail = parsed.Mail!;
        await storage.EnsureAsync(ct);
        var stored = new List<AttachmentRef>(mail.Attachments.Count);
        foreach (MailAttachment attachment in mail.Attachments)
        {
            stored.Add(await attachments.StoreAsync(attachment, ct));
        }

        string threadId = MailThreadIds.For(mail);
        var delivery = new MailDelivery(threadId, clock.GetUtcNow(), Summarize(mail, stored));
        await work.SendAsync(
            new WorkMessage(
                $"mail-delivery:{Guid.NewGuid():N}",
                WorkMessage.CommandKind,
                MailDeliveryHandler.AggregateKind,
                threadId,
                System.Text.Json.JsonSerializer.Serialize(delivery, IntakeProblems.Json),
                Actor: source.Name),
            cancellationToken: ct);
        return TypedResults.Accepted((string?)null, new MailAccepted(threadId, stored.Count, parsed.Warnings.Select(w => new IntakeProblems.FieldError(w.Field, w.Rule)).ToList()));
    }

    public sealed record MailAccepted(string ThreadId, int Attachments, IReadOnlyList<IntakeProblems.FieldError> Warnings);

    private static MailSummary Summarize(InboundMail mail, IReadOnlyList<AttachmentRef> attachments) => new(
        mail.From.Address,
        [.. mail.To.Select(a => a.Address)],
        [.. mail.Cc.Select(a => a.Address)],
        mail.EnvelopeTo,
        mail.Subject,
        mail.Text ?? mail.Html ?? "",
        mail.MessageId,
        mail.InReplyTo,
        mail.References,
        attachments,
        mail.AutoSubmitted,
        mail.FromHub);

    private static MemoryStream AsStream(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
}
