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

/// <summary>One problem of a request: the field (a JSON-style path such as <c>requestors[1]</c>) and the rule it broke.</summary>
public sealed record FieldProblem(string Field, string Rule);

/// <summary>The same ticket in another system (an RT instance, a monitoring incident).</summary>
public sealed record ExternalRef(string System, string Id, string? Url = null);

/// <summary>A file already stored in blob storage; the ticket records only the reference.</summary>
/// <param name="FileName">A bare name (<see cref="SafeFileName"/>), never a path.</param>
public sealed record AttachmentRef(string BlobName, string FileName, string ContentType, long Size)
{
    /// <summary>Longest name kept, in characters (the common file-system limit).</summary>
    public const int MaxFileNameLength = 255;

    /// <summary>What a nameless file, or one whose name is nothing but path and dots, is called.</summary>
    public const string DefaultFileName = "attachment";

    /// <summary>
    /// The name a file is stored and served under, whatever a sender or a mail called it: the last segment of a path
    /// (<c>../../etc/passwd</c> is <c>passwd</c>, <c>C:\x\a.txt</c> is <c>a.txt</c>), without control characters,
    /// without leading dots or surrounding white space, at most <see cref="MaxFileNameLength"/> characters.
    /// </summary>
    public static string SafeFileName(string? name)
    {
        string last = (name ?? "").Split('/', '\\').Last();
        string kept = new string([.. last.Where(c => !char.IsControl(c))]).Trim().TrimStart('.').Trim();
        if (kept.Length > MaxFileNameLength)
        {
            // Keep the extension, which says what the file is.
            string extension = System.IO.Path.GetExtension(kept);
            extension = extension.Length is > 1 and <= 16 ? extension : "";
            kept = kept[..(MaxFileNameLength - extension.Length)] + extension;
        }

        return kept.Length == 0 ? DefaultFileName : kept;
    }
}

/// <summary>A request for an internal copy in <paramref name="TargetQueue"/>.</summary>
public sealed record Escalation(string TargetQueue, DateTimeOffset RequestedAt);
