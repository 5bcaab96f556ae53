using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Domain.Tickets;
using Hub.Functions.Tests.Support;
using Hub.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Functions.Tests.Tickets;

/// <summary>The ticket API on a real hub: roles, create, read with history, PATCH with If-Match, traffic.</summary>
public sealed class TicketApiTests
{
    private const string OperatorKey = "operator-key-0123456789abcdef";
    private const string ReaderKey = "reader-key-0123456789abcdef";
    private const string AdminKey = "app-admin-key-0123456789abcdef";

    [Fact]
    public async Task Create_ThenGet_ReturnsTheTicketWithItsHistoryAndETag()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new
        {
            queue = "Customer-Support", subject = "Printer on fire", body = "Smoke everywhere.", requestors = new[] { "jane@example.com" },
        });
        string location = created.Headers.Location!.ToString();
        HttpResponseMessage read = await SendAsync(hub, HttpMethod.Get, location, ReaderKey);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using JsonDocument ticket = JsonDocument.Parse(await read.Content.ReadAsStringAsync());
        JsonElement t = ticket.RootElement.GetProperty("ticket");
        Assert.Equal("Customer-Support", t.GetProperty("queue").GetString());
        Assert.Equal("new", t.GetProperty("status").GetString());
        Assert.Equal("jane@example.com", t.GetProperty("requestors")[0].GetString());
        JsonElement first = ticket.RootElement.GetProperty("history")[0];
        Assert.Equal("TicketCreated", first.GetProperty("type").GetString());
        Assert.Equal("test-operator", first.GetProperty("actor").GetString());
        Assert.Equal("\"1\"", read.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Create_WithRequestor_QueuesOneNotificationMailInTheOutbox()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new
        {
            queue = "Customer-Support", subject = "VPN down", body = "Cannot connect.", requestors = new[] { "jane@example.com" },
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var names = hub.App.Services.GetRequiredService<Hub.Functions.Durable.DurableNames>();
        var outbox = (await Hub.Testing.Azurite.SharedAsync()).Account().GetBlobContainerClient(names.Table + "-outbox");
        var blobs = new List<Azure.Storage.Blobs.Models.BlobItem>();
        await foreach (Azure.Storage.Blobs.Models.BlobItem item in outbox.GetBlobsAsync())
        {
            blobs.Add(item);
        }

        var blob = Assert.Single(blobs);
        using JsonDocument mail = JsonDocument.Parse((await outbox.GetBlobClient(blob.Name).DownloadContentOrDefaultAsync())!.ToString());
        JsonElement m = mail.RootElement.GetProperty("mail");
        Assert.Equal("[hub #1] VPN down", m.GetProperty("subject").GetString());
        Assert.Equal("jane@example.com", m.GetProperty("to")[0].GetString());
        Assert.Equal("public", m.GetProperty("visibility").GetString());
    }

    [Fact]
    public async Task Patch_StatusWithCurrentETag_MovesThroughTheLifecycle()
    {
        await using TestHub hub = await StartAsync();
        long number = await CreateAsync(hub);

        HttpResponseMessage patched = await SendAsync(hub, HttpMethod.Patch, $"/api/tickets/{number}", OperatorKey, new { status = "open", owner = "ops-amy" }, ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await patched.Content.ReadAsStringAsync());
        Assert.Equal("open", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("ops-amy", body.RootElement.GetProperty("owner").GetString());
        Assert.Equal("\"3\"", patched.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Patch_StaleIfMatch_Answers412()
    {
        await using TestHub hub = await StartAsync();
        long number = await CreateAsync(hub);
        await SendAsync(hub, HttpMethod.Patch, $"/api/tickets/{number}", OperatorKey, new { priority = 80 });

        HttpResponseMessage stale = await SendAsync(hub, HttpMethod.Patch, $"/api/tickets/{number}", OperatorKey, new { priority = 10 }, ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    [Fact]
    public async Task Patch_TransitionNotInTheLifecycle_Answers422NamingBothStatuses()
    {
        await using TestHub hub = await StartAsync();
        long number = await CreateAsync(hub);

        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Patch, $"/api/tickets/{number}", OperatorKey, new { status = "stalled" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Contains("new -> stalled", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_DeleteNeedsAppAdmin_OperatorRefusedAdminAllowed()
    {
        await using TestHub hub = await StartAsync();
        long number = await CreateAsync(hub);

        HttpResponseMessage asOperator = await SendAsync(hub, HttpMethod.Patch, $"/api/tickets/{number}", OperatorKey, new { status = "deleted" });
        HttpResponseMessage asAdmin = await SendAsync(hub, HttpMethod.Patch, $"/api/tickets/{number}", AdminKey, new { status = "deleted" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, asOperator.StatusCode);
        Assert.Contains("needs role AppAdmin", await asOperator.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
    }

    [Fact]
    public async Task Create_InvalidCustomField_Answers422NamingTheField()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new
        {
            queue = "ProductionDefect", subject = "x", body = "y", customFields = new Dictionary<string, string> { ["Classification"] = "Catastrophic" },
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("Classification", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Roles_NoKey401_ReaderCannotWrite403_ReaderCanRead()
    {
        await using TestHub hub = await StartAsync();
        long number = await CreateAsync(hub);

        HttpResponseMessage anonymous = await SendAsync(hub, HttpMethod.Get, $"/api/tickets/{number}", key: null);
        HttpResponseMessage readerWrites = await SendAsync(hub, HttpMethod.Post, $"/api/tickets/{number}/comments", ReaderKey, new { body = "hi" });
        HttpResponseMessage readerReads = await SendAsync(hub, HttpMethod.Get, "/api/tickets?queue=Customer-Support", ReaderKey);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readerWrites.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readerReads.StatusCode);
        using JsonDocument list = JsonDocument.Parse(await readerReads.Content.ReadAsStringAsync());
        Assert.Equal(number, Assert.Single(list.RootElement.GetProperty("items").EnumerateArray()).GetProperty("number").GetInt64());
    }

    [Fact]
    public async Task List_FiltersOnTheStateRowsColumns_StillFindsRowsStoredBeforeThem_AndSeesLaterChanges()
    {
        await using TestHub hub = await StartAsync();
        long help = await CreateAsync(hub);
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new { queue = "Customer-Support", subject = "Printer jammed", body = "Again." });
        long printer = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("number").GetInt64();
        await SendAsync(hub, HttpMethod.Patch, $"/api/tickets/{printer}", OperatorKey, new { status = "open", owner = "ops-amy" });

        // The state row carries what the list filters on; the older ticket's row is made as one stored before the columns.
        var table = hub.App.Services.GetRequiredService<Hub.Storage.Durable.AggregateStore>().Table;
        Azure.Data.Tables.TableEntity row = (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>($"ticket:{printer}", Hub.Storage.Durable.AggregateStore.StateRow)).Value;
        Assert.Equal(("Customer-Support", "ops-amy", "Printer jammed", "open"), (row.GetString("Queue"), row.GetString("Owner"), row.GetString("Subject"), row.GetString("StateName")));
        Azure.Data.Tables.TableEntity old = (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>($"ticket:{help}", Hub.Storage.Durable.AggregateStore.StateRow)).Value;
        old.Remove("Queue");
        old.Remove("Subject");
        await table.UpdateEntityAsync(old, old.ETag, Azure.Data.Tables.TableUpdateMode.Replace);

        async Task<long[]> ListAsync(string query)
        {
            using JsonDocument list = JsonDocument.Parse(await (await SendAsync(hub, HttpMethod.Get, "/api/tickets?" + query, ReaderKey)).EnsureSuccessStatusCode().Content.ReadAsStringAsync());
            return [.. list.RootElement.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("number").GetInt64())];
        }

        Assert.Equal([help, printer], await ListAsync("queue=customer-support"));
        Assert.Equal([help], await ListAsync("q=HELP"));
        Assert.Equal([printer], await ListAsync("owner=OPS-AMY&status=Open"));
        Assert.Equal([printer], await ListAsync("q=jam&queue=Customer-Support"));
        Assert.Empty(await ListAsync("queue=ProductionDefect"));
        Assert.Empty(await ListAsync("status=resolved"));
        Assert.Equal([help, printer], await ListAsync("queue=&status=&owner=&q="));

        // A change after the lists above shows in the next: each list reads the rows written since the one before.
        await SendAsync(hub, HttpMethod.Patch, $"/api/tickets/{help}", OperatorKey, new { status = "open", subject = "Help with the printer" });
        Assert.Equal([help, printer], await ListAsync("status=open"));
        Assert.Equal([help, printer], await ListAsync("q=printer"));
    }

    [Fact]
    public async Task List_TwelveTickets_PagesInNumberOrderWithTheLastNumberAsContinuation()
    {
        await using TestHub hub = await StartAsync();
        for (int i = 0; i < 12; i++)
        {
            await CreateAsync(hub);
        }

        var pages = new List<(long[] Numbers, string? Continuation)>();
        string? continuation = null;
        do
        {
            HttpResponseMessage response = await SendAsync(hub, HttpMethod.Get, "/api/tickets?pageSize=5" + (continuation is null ? "" : "&continuation=" + continuation), ReaderKey);
            using JsonDocument page = JsonDocument.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync());
            continuation = page.RootElement.GetProperty("continuation").GetString();
            pages.Add(([.. page.RootElement.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("number").GetInt64())], continuation));
        }
        while (continuation is not null && pages.Count < 5);
        HttpResponseMessage bad = await SendAsync(hub, HttpMethod.Get, "/api/tickets?continuation=ticket%3A5", ReaderKey);

        Assert.Equal([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12]], pages.Select(p => p.Numbers));
        Assert.Equal(["5", "10", null], pages.Select(p => p.Continuation));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
        Assert.Equal("continuation", Assert.Single(problem.RootElement.GetProperty("errors").EnumerateArray()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Create_ThreeValuesOfTheWrongKind_Answers400ListingEachAndStoresNothing()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new { queue = "Customer-Support", subject = 7, priority = "high", requestors = "a@example.org" });
        long next = await CreateAsync(hub);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal(
            ["$.subject", "$.priority", "$.requestors"],
            problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.Equal(1L, next);
    }

    [Fact]
    public async Task Create_SeveralFieldsBreakingTheQueuesRules_Answers422ListingEachAndSpendsNoNumber()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage refused = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new
        {
            queue = "Customer-Support", subject = "Help", priority = 999, requestors = new[] { "jane@example.com", "not-an-address" },
            customFields = new Dictionary<string, string> { ["Nope"] = "x" },
        });
        HttpResponseMessage unknownQueue = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new { queue = "Nowhere", subject = "Help" });
        long next = await CreateAsync(hub);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal(
            ["priority", "requestors[1]", "customFields.Nope"],
            problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownQueue.StatusCode);
        using JsonDocument queue = JsonDocument.Parse(await unknownQueue.Content.ReadAsStringAsync());
        Assert.Equal("queue", Assert.Single(queue.RootElement.GetProperty("errors").EnumerateArray()).GetProperty("field").GetString());
        Assert.Equal(1L, next);
    }

    [Fact]
    public async Task List_PageSizeNotANumber_Answers400ProblemNamingIt()
    {
        await using TestHub hub = await StartAsync();

        HttpResponseMessage response = await SendAsync(hub, HttpMethod.Get, "/api/tickets?pageSize=abc", ReaderKey);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("pageSize: must be a whole number, not 'abc'.", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal("pageSize", Assert.Single(problem.RootElement.GetProperty("errors").EnumerateArray()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Create_MalformedJson_Answers400ProblemAndStoresNothing()
    {
        await using TestHub hub = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tickets")
        {
            Content = new StringContent("{\"queue\": \"Customer-Support\", \"subject\": ", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", OperatorKey);

        HttpResponseMessage refused = await hub.Client.SendAsync(request);
        HttpResponseMessage list = await SendAsync(hub, HttpMethod.Get, "/api/tickets", ReaderKey);
        long next = await CreateAsync(hub);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("Malformed JSON body", problem.RootElement.GetProperty("title").GetString());
        using JsonDocument before = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        Assert.Empty(before.RootElement.GetProperty("items").EnumerateArray());
        // No ticket number was spent on the refused request.
        Assert.Equal(1L, next);
    }

    [Fact]
    public async Task CommentAndCorrespondence_AreRecordedInHistory()
    {
        await using TestHub hub = await StartAsync();
        long number = await CreateAsync(hub);

        HttpResponseMessage comment = await SendAsync(hub, HttpMethod.Post, $"/api/tickets/{number}/comments", OperatorKey, new { body = "internal note" });
        HttpResponseMessage reply = await SendAsync(hub, HttpMethod.Post, $"/api/tickets/{number}/correspondence", OperatorKey, new { body = "We are on it." });
        HttpResponseMessage empty = await SendAsync(hub, HttpMethod.Post, $"/api/tickets/{number}/comments", OperatorKey, new { body = "" });
        using JsonDocument ticket = JsonDocument.Parse(await (await SendAsync(hub, HttpMethod.Get, $"/api/tickets/{number}", ReaderKey)).Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Accepted, comment.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal(["TicketCreated", "Commented", "Corresponded"], ticket.RootElement.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Attachments_UploadListDownload_RoundTripsTheBytes()
    {
        await using TestHub hub = await StartAsync();
        long number = await CreateAsync(hub);
        byte[] content = [0x25, 0x50, 0x44, 0x46, 0x00, 0xFF, 0x0D, 0x0A];
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/tickets/{number}/attachments?fileName=report.pdf") { Content = new ByteArrayContent(content) };
        upload.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        upload.Headers.Add("X-Api-Key", OperatorKey);

        HttpResponseMessage uploaded = await hub.Client.SendAsync(upload);
        HttpResponseMessage list = await SendAsync(hub, HttpMethod.Get, $"/api/tickets/{number}/attachments", ReaderKey);
        HttpResponseMessage download = await SendAsync(hub, HttpMethod.Get, uploaded.Headers.Location!.ToString(), ReaderKey);
        HttpResponseMessage foreign = await SendAsync(hub, HttpMethod.Get, $"/api/tickets/{number}/attachments/api/0000", ReaderKey);

        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        using JsonDocument files = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        Assert.Equal("report.pdf", Assert.Single(files.RootElement.EnumerateArray()).GetProperty("fileName").GetString());
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task Attachments_FileNameWithAPath_StoredAndServedUnderItsBareName()
    {
        await using TestHub hub = await StartAsync();
        long number = await CreateAsync(hub);
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/tickets/{number}/attachments?fileName={Uri.EscapeDataString("../../etc/passwd")}")
        {
            Content = new ByteArrayContent("root:x:0:0"u8.ToArray()),
        };
        upload.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        upload.Headers.Add("X-Api-Key", OperatorKey);

        HttpResponseMessage uploaded = await hub.Client.SendAsync(upload);
        HttpResponseMessage download = await SendAsync(hub, HttpMethod.Get, uploaded.Headers.Location!.ToString(), ReaderKey);

        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        Assert.Equal("passwd", JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("fileName").GetString());
        System.Net.Http.Headers.ContentDispositionHeaderValue disposition = download.Content.Headers.ContentDisposition!;
        Assert.Equal("passwd", disposition.FileName);
        Assert.Equal("passwd", disposition.FileNameStar);
        Assert.DoesNotContain("..", download.Content.Headers.GetValues("Content-Disposition").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escalate_CustomerTicket_CreatesLinkedInternalCopyTheCustomerNeverSees()
    {
        await using TestHub hub = await StartAsync();
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new
        {
            queue = "Customer-Support", subject = "Invoices wrong", body = "Totals are off.", requestors = new[] { "jane@example.com" },
        });
        long source = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("number").GetInt64();

        HttpResponseMessage escalated = await SendAsync(hub, HttpMethod.Post, $"/api/tickets/{source}/escalations", OperatorKey, new { targetQueue = "ProductionDefect" });
        HttpResponseMessage again = await SendAsync(hub, HttpMethod.Post, $"/api/tickets/{source}/escalations", OperatorKey, new { targetQueue = "ProductionDefect" });
        var tickets = hub.App.Services.GetRequiredService<Hub.Storage.Durable.AggregateProcessor<Hub.Domain.Tickets.TicketState, Hub.Domain.Tickets.TicketCommand, Hub.Domain.Tickets.TicketEvent>>();
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await tickets.GetAsync((source + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))?.State.Links.Count is not 1
               || (await tickets.GetAsync(source.ToString(System.Globalization.CultureInfo.InvariantCulture)))!.State.Links.Count != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the internal copy was not created and linked in time");
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.Accepted, escalated.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        var copy = (await tickets.GetAsync((source + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))!.State;
        Assert.Equal("ProductionDefect", copy.Queue);
        Assert.Empty(copy.Requestors);
        Assert.Contains("map-support@example.org", copy.AdminCc);
        Assert.Equal(new TicketLink(LinkType.DependedOnBy, source), Assert.Single(copy.Links));
        var original = (await tickets.GetAsync(source.ToString(System.Globalization.CultureInfo.InvariantCulture)))!.State;
        Assert.Equal(new TicketLink(LinkType.DependsOn, source + 1), Assert.Single(original.Links));
    }

    private static Task<TestHub> StartAsync() => TestHub.StartAsync(new Dictionary<string, string?>
    {
        ["Hub__ApiKeys__test-operator"] = $"operator,integrator:{OperatorKey}",
        ["Hub__ApiKeys__test-reader"] = $"logs-reader:{ReaderKey}",
        ["Hub__ApiKeys__test-admin"] = $"app-admin:{AdminKey}",
    });

    private static async Task<long> CreateAsync(TestHub hub)
    {
        HttpResponseMessage created = await SendAsync(hub, HttpMethod.Post, "/api/tickets", OperatorKey, new { queue = "Customer-Support", subject = "Help", body = "Please." });
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("number").GetInt64();
    }

    private static async Task<HttpResponseMessage> SendAsync(TestHub hub, HttpMethod method, string path, string? key, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        HttpResponseMessage response = await hub.Client.SendAsync(request);
        // The answer comes once the commit is stored; its effects (the notification mail) run after it.
        await HubState.WaitForEffectsAsync(hub);
        return response;
    }
}
