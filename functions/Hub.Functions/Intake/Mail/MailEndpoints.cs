using System.Runtime.InteropServices;
using Hub.Domain.Configuration;
using Hub.Domain.Intake.Mail;
using Hub.Domain.Tickets;
using Hub.Functions.Security;
using Hub.Storage.Durable;

namespace Hub.Functions.Intake.Mail;

/// <summary>
/// <c>POST /api/hooks/mail</c>: verify, parse (SendGrid Inbound Parse or the JSON mail format), write the attachments
/// to blob storage, store the mail durably on the work queue, then answer 202. Storage failures propagate: the host
/// answers 503 and the sender retries.
/// </summary>
public static class MailEndpoints
{
    public const string SourceKind = "mail";

    public static RouteGroupBuilder MapMailHooks(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder hooks = app.MapGroup("/api/hooks").WithTags("Intake");
        hooks.MapPost("/mail", ReceiveAsync)
            .WithSummary("Receive a mail: SendGrid Inbound Parse (multipart/form-data) or its JSON equivalent")
            .WithDescription("Routed by recipient and rules, threaded by [hub #N] or In-Reply-To/References. 202 once stored; 413 over 30 MB; 422 naming the fields.");
        return hooks;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request,
        HubConfiguration config,
        WebhookVerifier verifier,
        WorkQueue work,
        Durable.DurableStorage storage,
        MailAttachmentStore attachments,
        TimeProvider clock,
        CancellationToken ct)
    {
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
