using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Hub.Domain.Configuration;
using Hub.Domain.Tickets;
using Hub.Functions.Durable;
using Hub.Functions.Http;
using Hub.Functions.Intake.Mail;
using Hub.Functions.Security;
using Hub.Storage.Blobs;
using Hub.Storage.Durable;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using static Hub.Functions.Tickets.TicketAnswers;
using static Hub.Functions.Http.ApiAnswers;

namespace Hub.Functions.Tickets;

/// <summary>
/// Ticket attachments: upload (raw body, <c>?fileName=</c>, the request's Content-Type), list, download. Files live in
/// the <c>&lt;DurableName&gt;-attachments</c> container (<see cref="MailAttachmentStore"/>), as mail attachments do; a ticket only
/// serves files its own history refers to.
/// </summary>
public sealed class TicketAttachmentFunctions(
    AggregateProcessor<TicketState, TicketCommand, TicketEvent> tickets, MailAttachmentStore files, DurableStorage storage)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Function("TicketAttachments_Upload")]
    [RequireRole(Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Tickets")]
    [EndpointSummary("Attach a file (raw body with its Content-Type, up to 30 MB)")]
    [Accepts(typeof(Stream), "application/octet-stream", "*/*")]
    [ProducesResponseType<AttachmentRef>(StatusCodes.Status201Created)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    [ProducesResponseType(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IResult> UploadAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/tickets/{number:long}/attachments")] HttpRequest request, long number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Text("fileName") is not { } fileName || string.IsNullOrWhiteSpace(fileName))
        {
            return Invalid("fileName", "required");
        }

        BodyReadResult body = await RequestBody.ReadAsync(request, BodyLimits.Mail, ct);
        if (body.IsTooLarge)
        {
            return body.ToProblem();
        }

        await storage.EnsureAsync(ct);
        string id = Id(number);
        if (await tickets.GetAsync(id, ct) is not { State.Exists: true })
        {
            return NotFound(number);
        }

        AttachmentRef file = await files.StoreAsync("api", body.Body, fileName.Trim(), request.ContentType ?? "application/octet-stream", ct);
        ApiCaller caller = request.HttpContext.GetRequiredApiCaller();
        var actor = new Actor(caller.Name, caller.Roles.Max());
        CommandOutcome<TicketState> outcome = await tickets.HandleAsync(id, null, new AttachFiles(actor, [file]), actor.Name, ct);
        return outcome.Status == CommandStatus.Rejected
            ? Refused(outcome.Reason!)
            : TypedResults.Created($"/api/tickets/{id}/attachments/{file.BlobName}", file);
    }

    [Function("TicketAttachments_List")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Tickets")]
    [EndpointSummary("Every file the ticket's history refers to")]
    [ProducesResponseType<IReadOnlyList<AttachmentRef>>(StatusCodes.Status200OK)]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/tickets/{number:long}/attachments")] HttpRequest request, long number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        return TypedResults.Ok(Attachments(await tickets.AllHistoryAsync(Id(number), ct)));
    }

    [Function("TicketAttachments_Download")]
    [RequireRole(Role.LogsReader, Role.Integrator, Role.Developer, Role.Operator, Role.AppAdmin)]
    [Tags("Tickets")]
    [EndpointSummary("Download one of the ticket's files, with its name and type")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType(StatusCodes.Status404NotFound)]
    public async Task<IResult> DownloadAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/tickets/{number:long}/attachments/{*blobName}")] HttpRequest request,
        long number, string blobName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        await storage.EnsureAsync(ct);
        return await ServeAsync(files, Attachments(await tickets.AllHistoryAsync(Id(number), ct)), number, blobName, ct);
    }

    /// <summary>One of <paramref name="attachments"/> (a ticket's) by its blob name, with its name and type; 404 when the ticket has no such file.</summary>
    public static async Task<IResult> ServeAsync(MailAttachmentStore files, IReadOnlyList<AttachmentRef> attachments, long number, string blobName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(attachments);
        AttachmentRef? file = attachments.FirstOrDefault(a => a.BlobName == blobName);
        BlobDownloadStreamingResult? download = file is null ? null : await files.Container.GetBlobClient(blobName).DownloadStreamingOrDefaultAsync(ct);
        if (file is null || download is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such attachment", detail: $"Ticket #{number} has no attachment '{blobName}'.");
        }

        // Names stored before they were made safe are made safe here too; the header has filename and RFC 6266 filename*.
        return TypedResults.Stream(download.Content, file.ContentType, AttachmentRef.SafeFileName(file.FileName));
    }

    /// <summary>Every attachment any event of a ticket's <paramref name="history"/> recorded (created, correspondence, comments, attach-files).</summary>
    public static IReadOnlyList<AttachmentRef> Attachments(IReadOnlyList<EventRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var found = new List<AttachmentRef>();
        foreach (EventRecord e in history)
        {
            using JsonDocument data = JsonDocument.Parse(e.Data);
            if (data.RootElement.TryGetProperty("attachments", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
            {
                found.AddRange(list.EnumerateArray().Select(a => a.Deserialize<AttachmentRef>(Json)!));
            }
        }

        return found;
    }
}
