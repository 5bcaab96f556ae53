using System.Text.Json.Serialization;

namespace Hub.Domain.Tickets;

/// <summary>Request Tracker's link types; each has an inverse the other ticket records.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LinkType>))]
public enum LinkType
{
    ParentOf,
    ChildOf,
    RefersTo,
    ReferredToBy,
    DependsOn,
    DependedOnBy,
}

/// <summary>The watcher roles of a ticket.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WatcherKind>))]
public enum WatcherKind
{
    /// <summary>Asked for the work; receives public correspondence.</summary>
    Requestor,

    /// <summary>Copied on public correspondence.</summary>
    Cc,

    /// <summary>Staff: receives correspondence and internal comments.</summary>
    AdminCc,
}

public sealed record TicketLink(LinkType Kind, long Number);

/// <summary>The same ticket in another system (an RT instance, a monitoring incident).</summary>
public sealed record ExternalRef(string System, string Id, string? Url = null);

/// <summary>A file already stored in blob storage; the ticket records only the reference.</summary>
public sealed record AttachmentRef(string BlobName, string FileName, string ContentType, long Size);

/// <summary>A request for an internal copy in <paramref name="TargetQueue"/>.</summary>
public sealed record Escalation(string TargetQueue, DateTimeOffset RequestedAt);
