using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Hub.Storage.Account;

namespace Hub.Storage.Queues;

/// <summary>
/// One storage queue over the Queue REST API. Message text travels base64-encoded (UTF-8), as the Functions host's
/// queue trigger expects. https://learn.microsoft.com/rest/api/storageservices/queue-service-rest-api
/// </summary>
public sealed class QueueClient
{
    // Put Message and Update Message cap visibility at 7 days; Get Messages requires at least 1 second.
    private static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);
    private const int MaxMessagesPerReceive = 32;

    private readonly HttpPipeline _pipeline;
    private readonly Uri _uri;

    public QueueClient(StorageAccount account, string queueName)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentException.ThrowIfNullOrWhiteSpace(queueName);
        Name = queueName;
        _pipeline = account.Pipeline(StorageService.Queue);
        _uri = new Uri(account.QueueEndpoint.AbsoluteUri.TrimEnd('/') + "/" + Uri.EscapeDataString(queueName));
    }

    public string Name { get; }

    public Uri Uri => _uri;

    /// <summary>True when the queue was created; false when it already existed.</summary>
    public async Task<bool> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Put, _uri);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        // https://learn.microsoft.com/rest/api/storageservices/create-queue4: 204 when it exists with the same
        // metadata, 409 QueueAlreadyExists when the metadata differs. Either way the queue is there.
        return message.Response.Status switch
        {
            201 => true,
            204 or 409 => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    public async Task<bool> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Delete, _uri);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>
    /// Puts a message. <paramref name="visibilityDelay"/> (0 to 7 days) hides it until then, which is how durable timers
    /// work; <paramref name="timeToLive"/> null keeps the service default (7 days) and
    /// <see cref="Timeout.InfiniteTimeSpan"/> means the message never expires.
    /// </summary>
    public async Task<SendReceipt> SendAsync(string text, TimeSpan? visibilityDelay = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        string encoded = QueueMessageText.Encode(text);
        long? delaySeconds = visibilityDelay is { } delay ? VisibilitySeconds(delay, TimeSpan.Zero, nameof(visibilityDelay)) : null;
        long? ttlSeconds = timeToLive switch
        {
            null => null,
            { } ttl when ttl == Timeout.InfiniteTimeSpan => -1, // messagettl=-1: never expires (version 2017-07-29+)
            { } ttl when ttl >= TimeSpan.FromSeconds(1) => CeilingSeconds(ttl),
            _ => throw new ArgumentOutOfRangeException(nameof(timeToLive), timeToLive, "Time to live must be at least 1 second, or Timeout.InfiniteTimeSpan."),
        };
        if (delaySeconds is { } d && ttlSeconds is { } t && t != -1 && d >= t)
        {
            throw new ArgumentOutOfRangeException(nameof(visibilityDelay), visibilityDelay, "The visibility delay must be shorter than the time to live.");
        }

        using HttpMessage message = CreateMessage(RequestMethod.Post, MessagesUri());
        if (delaySeconds is { } ds)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", ds.ToString(CultureInfo.InvariantCulture));
        }

        if (ttlSeconds is { } ts)
        {
            message.Request.Uri.AppendQuery("messagettl", ts.ToString(CultureInfo.InvariantCulture));
        }

        SetBody(message.Request, encoded);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        if (message.Response.Status != 201)
        {
            throw new RequestFailedException(message.Response);
        }

        XElement sent = Messages(message.Response).FirstOrDefault()
            ?? throw new RequestFailedException(message.Response.Status, "Put Message answered 201 without a QueueMessage element.");
        return new SendReceipt(
            Required(sent, "MessageId"),
            Required(sent, "PopReceipt"),
            Date(sent, "InsertionTime"),
            Date(sent, "ExpirationTime"),
            Date(sent, "TimeNextVisible"));
    }

    /// <summary>
    /// Dequeues up to <paramref name="maxMessages"/> (1-32) messages, hiding them for <paramref name="visibilityTimeout"/>
    /// (1 second to 7 days; null keeps the service default of 30 seconds).
    /// </summary>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxMessagesPerReceive);
        long? timeoutSeconds = visibilityTimeout is { } vt ? VisibilitySeconds(vt, TimeSpan.FromSeconds(1), nameof(visibilityTimeout)) : null;

        using HttpMessage message = CreateMessage(RequestMethod.Get, MessagesUri());
        message.Request.Uri.AppendQuery("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture));
        if (timeoutSeconds is { } s)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", s.ToString(CultureInfo.InvariantCulture));
        }

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        if (message.Response.Status != 200)
        {
            throw new RequestFailedException(message.Response);
        }

        return Messages(message.Response)
            .Select(m => new QueueMessage(
                Required(m, "MessageId"),
                Required(m, "PopReceipt"),
                QueueMessageText.Decode(m.Element("MessageText")?.Value ?? ""),
                DequeueCount(m),
                Date(m, "InsertionTime"),
                Date(m, "ExpirationTime"),
                Date(m, "TimeNextVisible")))
            .ToList();
    }

    /// <summary>Looks at up to <paramref name="maxMessages"/> (1-32) visible messages without dequeuing them.</summary>
    public async Task<IReadOnlyList<PeekedMessage>> PeekAsync(int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxMessagesPerReceive);

        using HttpMessage message = CreateMessage(RequestMethod.Get, MessagesUri());
        message.Request.Uri.AppendQuery("peekonly", "true");
        message.Request.Uri.AppendQuery("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture));

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        if (message.Response.Status != 200)
        {
            throw new RequestFailedException(message.Response);
        }

        return Messages(message.Response)
            .Select(m => new PeekedMessage(
                Required(m, "MessageId"),
                QueueMessageText.Decode(m.Element("MessageText")?.Value ?? ""),
                DequeueCount(m),
                Date(m, "InsertionTime"),
                Date(m, "ExpirationTime")))
            .ToList();
    }

    /// <summary>
    /// Hides a received message for <paramref name="visibilityTimeout"/> (0 to 7 days) from now, optionally replacing its
    /// text, and returns the new pop receipt (the old one stops working). A message that is gone, or a pop receipt that
    /// is stale, throws <see cref="RequestFailedException"/> (404 MessageNotFound).
    /// </summary>
    public async Task<string> UpdateVisibilityAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout, string? newText = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        long seconds = VisibilitySeconds(visibilityTimeout, TimeSpan.Zero, nameof(visibilityTimeout));
        string? encoded = newText is null ? null : QueueMessageText.Encode(newText);

        using HttpMessage message = CreateMessage(RequestMethod.Put, MessageUri(messageId));
        message.Request.Uri.AppendQuery("popreceipt", popReceipt);
        message.Request.Uri.AppendQuery("visibilitytimeout", seconds.ToString(CultureInfo.InvariantCulture));
        if (encoded is not null)
        {
            SetBody(message.Request, encoded);
        }

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        if (message.Response.Status != 204)
        {
            throw new RequestFailedException(message.Response);
        }

        return message.Response.Headers.TryGetValue("x-ms-popreceipt", out string? receipt) && receipt.Length > 0
            ? receipt
            : throw new RequestFailedException(message.Response.Status, "Update Message answered 204 without x-ms-popreceipt.");
    }

    /// <summary>
    /// Deletes a received message. False when it is already gone or <paramref name="popReceipt"/> is stale, i.e. the
    /// message became visible again and someone else received it. The REST reference documents 404 MessageNotFound for
    /// a pop receipt that is no longer valid (https://learn.microsoft.com/rest/api/storageservices/delete-message2);
    /// Azurite 3.35 answers 400 PopReceiptMismatch instead. Both mean the same to the caller.
    /// </summary>
    public async Task<bool> DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);

        using HttpMessage message = CreateMessage(RequestMethod.Delete, MessageUri(messageId));
        message.Request.Uri.AppendQuery("popreceipt", popReceipt);

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        return message.Response.Status switch
        {
            204 => true,
            404 => false,
            400 when ErrorCode(message.Response) == "PopReceiptMismatch" => false,
            _ => throw new RequestFailedException(message.Response),
        };
    }

    /// <summary>The x-ms-approximate-messages-count of Get Queue Metadata: at least the number of visible messages.</summary>
    public async Task<int> GetApproximateMessageCountAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Get, _uri);
        message.Request.Uri.AppendQuery("comp", "metadata");

        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);

        if (message.Response.Status != 200)
        {
            throw new RequestFailedException(message.Response);
        }

        return message.Response.Headers.TryGetValue("x-ms-approximate-messages-count", out string? count)
               && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new RequestFailedException(message.Response.Status, "Get Queue Metadata answered without x-ms-approximate-messages-count.");
    }

    private HttpMessage CreateMessage(RequestMethod method, Uri uri)
    {
        HttpMessage message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        return message;
    }

    private Uri MessagesUri() => new(_uri.AbsoluteUri + "/messages");

    private Uri MessageUri(string messageId) => new(_uri.AbsoluteUri + "/messages/" + Uri.EscapeDataString(messageId));

    // Content-Type is part of the SharedKey string-to-sign, so it is set on the request before the pipeline signs it.
    private static void SetBody(Request request, string encodedText)
    {
        var body = new XElement("QueueMessage", new XElement("MessageText", encodedText));
        request.Headers.SetValue("Content-Type", "application/xml");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToString(SaveOptions.DisableFormatting)));
    }

    private static string? ErrorCode(Response response) =>
        response.Headers.TryGetValue("x-ms-error-code", out string? code) ? code : null;

    private static IEnumerable<XElement> Messages(Response response)
    {
        XDocument document = XDocument.Load(response.Content.ToStream());
        return document.Root?.Elements("QueueMessage") ?? [];
    }

    private static long VisibilitySeconds(TimeSpan value, TimeSpan min, string paramName)
    {
        if (value < min || value > MaxVisibility)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Must be between {min} and {MaxVisibility}.");
        }

        return Math.Min(CeilingSeconds(value), (long)MaxVisibility.TotalSeconds);
    }

    private static long CeilingSeconds(TimeSpan value) => (long)Math.Ceiling(value.TotalSeconds);

    private static string Required(XElement message, string name) =>
        message.Element(name)?.Value ?? throw new FormatException($"QueueMessage has no {name} element.");

    private static long DequeueCount(XElement message) =>
        long.Parse(Required(message, "DequeueCount"), NumberStyles.None, CultureInfo.InvariantCulture);

    // Times are RFC 1123, e.g. "Fri, 09 Oct 2009 21:04:30 GMT"; a never-expiring message reads "Fri, 31 Dec 9999 23:59:59 GMT".
    private static DateTimeOffset Date(XElement message, string name) =>
        DateTimeOffset.ParseExact(Required(message, name), "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
