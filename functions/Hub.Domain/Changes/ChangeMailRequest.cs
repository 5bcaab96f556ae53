namespace Hub.Domain.Changes;

/// <summary>
/// A new mail a rule classified as a deployment request (a mail rule whose queue is the changes queue, docs/mail.md),
/// as the mail-thread decider hands it to the <c>change.mail</c> effect: the ticket the mail opened, its sender and
/// subject (the change's summary), the <c>Service:</c>, <c>Version:</c> and <c>Kind:</c> lines of its body as
/// written (null when absent), and, when the changes queue refused the mail's fields so that the ticket stayed in the
/// routed queue, the intake's note saying so. The effect opens the change on that ticket, or comments on the ticket
/// naming what was missing.
/// </summary>
public sealed record ChangeMailRequest(long Ticket, string From, string Subject, string? Service, string? Version, string? Kind, string? QueueProblem)
{
    public const string EffectKind = "change.mail";

    private static readonly string[] Fields = ["Service", "Version", "Kind"];

    /// <summary>The request in <paramref name="body"/>: the first <c>Name: value</c> line of each field, names in any case.</summary>
    public static ChangeMailRequest Read(long ticket, string from, string subject, string body, string? queueProblem)
    {
        ArgumentNullException.ThrowIfNull(body);
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in body.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string name = colon <= 0 ? "" : line[..colon].Trim();
            if (Array.Find(Fields, f => f.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } field)
            {
                found.TryAdd(field, line[(colon + 1)..].Trim());
            }
        }

        return new(ticket, from, subject.Trim(), Value(found, "Service"), Value(found, "Version"), Value(found, "Kind"), queueProblem);
    }

    /// <summary>What stops the change opening before the catalog is asked: each line missing or not understood, and the queue's note.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Service is null)
        {
            problems.Add("Service: missing (a line such as \"Service: portal\" naming a service of the catalog)");
        }

        if (Version is null)
        {
            problems.Add("Version: missing (a line such as \"Version: 2.4.1\")");
        }

        if (Kind is null)
        {
            problems.Add($"Kind: missing (a line such as \"Kind: enhancement\"; one of {ChangeKinds.Spellings})");
        }
        else if (ChangeKinds.Parse(Kind) is null)
        {
            problems.Add($"Kind: '{Kind}' is not one of {ChangeKinds.Spellings}");
        }

        if (QueueProblem is not null)
        {
            problems.Add(QueueProblem);
        }

        return problems;
    }

    private static string? Value(Dictionary<string, string> found, string name) =>
        found.TryGetValue(name, out string? value) && value.Length > 0 ? value : null;
}
