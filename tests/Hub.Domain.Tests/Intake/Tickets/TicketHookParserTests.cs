using System.Text;
using Hub.Domain.Intake.Tickets;

namespace Hub.Domain.Tests.Intake.Tickets;

public sealed class TicketHookParserTests
{
    [Fact]
    public void Parse_CreatedWithEveryField_ReadsThemAll()
    {
        const string body = """
            {
              "event": "created",
              "deliveryId": "rt-77",
              "origin": "rt",
              "ticket": {
                "id": "RT-123",
                "url": "https://rt.example.org/Ticket/Display.html?id=123",
                "queue": "Customer-Support",
                "subject": "Printer on fire",
                "status": "new",
                "priority": 40,
                "requestors": ["alice@example.com"],
                "customFields": { "Build": 42, "RollbackTested": true, "Tier": "PROD", "Gone": null },
                "somethingNew": { "ignored": true }
              },
              "comment": { "body": "It is on fire.", "author": "alice@example.com", "internal": false }
            }
            """;

        (TicketHook? hook, IReadOnlyList<TicketHookError> errors) = TicketHookParser.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Empty(errors);
        var e = Assert.IsType<TicketSystemEvent>(hook);
        Assert.Equal(TicketEventKind.Created, e.Kind);
        Assert.Equal("rt-77", e.DeliveryId);
        Assert.Equal("RT-123", e.Ticket.Id);
        Assert.Equal("https://rt.example.org/Ticket/Display.html?id=123", e.Ticket.Url);
        Assert.Equal("Customer-Support", e.Ticket.Queue);
        Assert.Equal("Printer on fire", e.Ticket.Subject);
        Assert.Equal("new", e.Ticket.Status);
        Assert.Equal(40, e.Ticket.Priority);
        Assert.Equal(["alice@example.com"], e.Ticket.Requestors);
        Assert.Equal("42", e.Ticket.CustomFields["Build"]);
        Assert.Equal("true", e.Ticket.CustomFields["RollbackTested"]);
        Assert.Equal("PROD", e.Ticket.CustomFields["Tier"]);
        Assert.Null(e.Ticket.CustomFields["Gone"]);
        Assert.Equal(new ExternalComment("It is on fire.", "alice@example.com", false), e.Comment);
    }

    [Fact]
    public void Parse_CommentWithoutInternal_IsInternal()
    {
        (TicketHook? hook, _) = Parse("""{"event":"commented","ticket":{"id":"RT-1"},"comment":{"body":"note"}}""");

        Assert.True(Assert.IsType<TicketSystemEvent>(hook).Comment!.Internal);
    }

    [Theory]
    [InlineData("not json", "$")]
    [InlineData("[1,2]", "$")]
    [InlineData("""{"ticket":{"id":"RT-1"}}""", "event")]
    [InlineData("""{"event":"deleted","ticket":{"id":"RT-1"}}""", "event")]
    [InlineData("""{"event":"updated"}""", "ticket")]
    [InlineData("""{"event":"updated","ticket":[]}""", "ticket")]
    [InlineData("""{"event":"updated","ticket":{"id":""}}""", "ticket.id")]
    [InlineData("""{"event":"updated","ticket":{"id":"RT\n1"}}""", "ticket.id")]
    [InlineData("""{"event":"created","ticket":{"id":"RT-1"}}""", "ticket.url")]
    [InlineData("""{"event":"updated","ticket":{"id":"RT-1","url":"/relative"}}""", "ticket.url")]
    [InlineData("""{"event":"updated","ticket":{"id":"RT-1","subject":"  "}}""", "ticket.subject")]
    [InlineData("""{"event":"status","ticket":{"id":"RT-1"}}""", "ticket.status")]
    [InlineData("""{"event":"updated","ticket":{"id":"RT-1","priority":"high"}}""", "ticket.priority")]
    [InlineData("""{"event":"updated","ticket":{"id":"RT-1","priority":-1}}""", "ticket.priority")]
    [InlineData("""{"event":"updated","ticket":{"id":"RT-1","priority":4.5}}""", "ticket.priority")]
    [InlineData("""{"event":"updated","ticket":{"id":"RT-1","requestors":"a@b.c"}}""", "ticket.requestors")]
    [InlineData("""{"event":"updated","ticket":{"id":"RT-1","customFields":{"Tier":["PROD"]}}}""", "ticket.customFields.Tier")]
    [InlineData("""{"event":"updated","ticket":{"id":"RT-1","customFields":{"Tier":"A","tier":"B"}}}""", "ticket.customFields.tier")]
    [InlineData("""{"event":"commented","ticket":{"id":"RT-1"}}""", "comment")]
    [InlineData("""{"event":"commented","ticket":{"id":"RT-1"},"comment":{"body":""}}""", "comment.body")]
    [InlineData("""{"event":"commented","ticket":{"id":"RT-1"},"comment":{"body":"x","internal":1}}""", "comment.internal")]
    [InlineData("""{"event":"updated","deliveryId":7,"ticket":{"id":"RT-1"}}""", "deliveryId")]
    public void Parse_InvalidField_NamesIt(string body, string field)
    {
        (TicketHook? hook, IReadOnlyList<TicketHookError> errors) = Parse(body);

        Assert.Null(hook);
        Assert.Equal(field, Assert.Single(errors).Field);
    }

    [Fact]
    public void Parse_TransitionStatesAnyCase_CanonicalNames()
    {
        (TicketHook? hook, _) = Parse("""{"event":"transition","ticketId":"RT-9","rolloutProgress":{"current":"stagerollout","previous":"INVERIFICATION"}}""");

        Assert.Equal(new ReleaseTransition("RT-9", RolloutProgress.StageRollout, RolloutProgress.InVerification, false, null), hook);
    }

    [Fact]
    public void Parse_TransitionWithEveryFieldWrong_ListsEveryError()
    {
        (_, IReadOnlyList<TicketHookError> errors) = Parse("""{"event":"transition","ticketId":5,"rolloutProgress":{"current":"4","previous":""},"emergency":"no"}""");

        Assert.Equal(["ticketId", "rolloutProgress.current", "rolloutProgress.previous", "emergency"], errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("""{"origin":"hub"}""", true)]
    [InlineData("""{"origin":"Hub","event":"nonsense"}""", true)]
    [InlineData("""{"origin":"rt"}""", false)]
    [InlineData("""{"origin":1}""", false)]
    [InlineData("""not json""", false)]
    [InlineData("""["hub"]""", false)]
    public void IsFromHub_OriginMarker_RecognisedLeniently(string body, bool expected)
    {
        Assert.Equal(expected, TicketHookParser.IsFromHub(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Parse_InvalidUtf8InsideAString_OneErrorInsteadOfAThrow()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"event":"created","ticket":{"id":"RT-1","subject":"~"}}""");
        body[Array.IndexOf(body, (byte)'~')] = 0xC3; // a lead byte with no continuation

        (TicketHook? hook, IReadOnlyList<TicketHookError> errors) = TicketHookParser.Parse(body);

        Assert.Null(hook);
        Assert.Equal([new TicketHookError("$", "is not valid UTF-8; JSON must be sent as UTF-8 (RFC 8259)")], errors);
        Assert.False(TicketHookParser.IsFromHub(body));
    }

    private static (TicketHook? Hook, IReadOnlyList<TicketHookError> Errors) Parse(string body) => TicketHookParser.Parse(Encoding.UTF8.GetBytes(body));
}
