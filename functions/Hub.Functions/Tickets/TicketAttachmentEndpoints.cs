using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Intake.Mail;
using Hub.Functions.Security;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;

namespace Hub.Functions.Tickets;

/// <summary>
/// Ticket attachments: upload (raw body, <c>?fileName=</c>, the request's Content-Type), list, download. Files live in
/// the <c>&lt;DurableName&gt;-attachments</c> container (<see cref="MailAttachmentStore"/>), as mail attachments do; a ticket only
/// serves files its own history refers to.
/// </summary>
public static class TicketAttachmentEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapTicketAttachmentEndpoints(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder files = app.MapGroup("/api/tickets/{number:long}/attachments").WithTags("Tickets");
        files.MapPost("/", UploadAsync).RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)
            .WithSummary("Attach a file (raw body with its Content-Type, up to 30 MB)").Accepts<Stream>("application/octet-stream", "*/*").ProducesProblem(413);
        files.MapGet("/", ListAsync).RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)
            .WithSummary("Every file the ticket's history refers to");
        files.MapGet("/{**blobName}", DownloadAsync).RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)
            .WithSummary("Download one of the ticket's files, with its name and type").ProducesProblem(404);
        return files;
    }

    private static async Task<IResult> UploadAsync(
        long number, string? fileName, HttpContext http, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets,
        MailAttachmentStore files, DurableStorage storage, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return Intake.IntakeProblems.Invalid("fileName: required", [new Intake.IntakeProblems.FieldError("fileName", "required")]);
        }

        BodyReadResult body = await RequestBody.ReadAsync(http.Request, BodyLimits.Mail, ct);
        if (body.IsTooLarge)
        {
            return body.ToProblem();
        }

        await storage.EnsureAsync(ct);
        string id = number.ToString(CultureInfo.InvariantCulture);
        if (await tickets.GetAsync(id, ct) is not { State.Exists: true })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such ticket", detail: $"Ticket #{number} does not exist.");
        }

        AttachmentRef file = await files.StoreAsync("api", body.Body, fileName.Trim(), http.Request.ContentType ?? "application/octet-stream", ct);
        ApiCaller caller = http.GetRequiredApiCaller();
        var actor = new Actor(caller.Name, caller.Roles.Max());
        CommandOutcome<TicketState> outcome = await tickets.HandleAsync(id, null, new AttachFiles(actor, [file]), actor.Name, ct);
        return outcome.Status == CommandStatus.Rejected
            ? TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Refused", detail: outcome.Reason)
            : TypedResults.Created($"/api/tickets/{id}/attachments/{file.BlobName}", file);
    }

    private static async Task<IResult> ListAsync(long number, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, DurableStorage storage, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        return TypedResults.Ok(await AttachmentsAsync(tickets, number, ct));
    }

    private static async Task<IResult> DownloadAsync(
        long number, string blobName, AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets,
        MailAttachmentStore files, DurableStorage storage, CancellationToken ct)
    {
        await storage.EnsureAsync(ct);
        AttachmentRef? file = (await AttachmentsAsync(tickets, number, ct)).FirstOrDefault(a => a.BlobName == blobName);
        BlobDownloadStreamingResult? download = file is null ? null : await files.Container.GetBlobClient(blobName).DownloadStreamingOrDefaultAsync(ct);
        if (file is null || download is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such attachment", detail: $"Ticket #{number} has no attachment '{blobName}'.");
        }

        return TypedResults.Stream(download.Content, file.ContentType, file.FileName);
    }

    // Every attachment any event of the ticket recorded (created, correspondence, comments, attach-files).
    private static async Task<IReadOnlyList<AttachmentRef>> AttachmentsAsync(
        AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, long number, CancellationToken ct)
    {
        var files = new List<AttachmentRef>();
        string? token = null;
        do
        {
            HistoryPage page = await tickets.HistoryAsync(number.ToString(CultureInfo.InvariantCulture), token, 500, ct);
            foreach (EventRecord e in page.Events)
            {
                using JsonDocument data = JsonDocument.Parse(e.Data);
                if (data.RootElement.TryGetProperty("attachments", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
                {
                    files.AddRange(list.EnumerateArray().Select(a => a.Deserialize<AttachmentRef>(Json)!));
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        return files;
    }
}
