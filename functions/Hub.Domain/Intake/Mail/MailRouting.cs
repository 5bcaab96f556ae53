using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Hub.Domain.Configuration;

namespace Hub.Domain.Intake.Mail;

/// <summary>Where a new mail goes: recipient routes, then subject rules, then the default queue (docs/mail.md).</summary>
public static partial class MailRouting
{
    /// <summary>The configuration builds rule patterns with this timeout too; a pathological subject must not hang intake.</summary>
    public static readonly TimeSpan RuleTimeout = TimeSpan.FromSeconds(1);

    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>The queue of the first route (in configuration order) that any recipient matches; null when none does.</summary>
    public static string? RoutedQueue(MailSummary mail, MailIntakeDefinition config)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(config);
        string[] recipients = [.. mail.To, .. mail.Cc, .. mail.EnvelopeTo];
        return config.Routes.FirstOrDefault(r => recipients.Any(a => Matches(r.Address, a)))?.Queue;
    }

    /// <summary>The first rule whose subject pattern matches and whose <c>fromQueue</c>, if any, is the routed queue.</summary>
    public static MailRule? Rule(string subject, string? routedQueue, MailIntakeDefinition config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Rules.FirstOrDefault(r =>
            (r.FromQueue is null || string.Equals(r.FromQueue, routedQueue, StringComparison.OrdinalIgnoreCase))
            && SubjectMatches(r, subject));
    }

    /// <summary>True when <paramref name="address"/> is one of the hub's own addresses (a route or a contact list).</summary>
    public static bool IsHubAddress(string address, HubConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Mail.Routes.Any(r => Matches(r.Address, address))
            || config.ContactLists.Any(c => string.Equals(c.Address, address, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Staff: the sender's domain is an internal domain, or the sender is an internal contact list or one of its members.
    /// Their replies become comments, never correspondence a customer sees.
    /// </summary>
    public static bool IsInternalSender(string address, HubConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(config);
        int at = address.LastIndexOf('@');
        string domain = at < 0 ? "" : address[(at + 1)..];
        return config.Mail.InternalDomains.Any(d => string.Equals(d, domain, StringComparison.OrdinalIgnoreCase))
            || config.ContactLists.Any(c => c.Internal
                && (string.Equals(c.Address, address, StringComparison.OrdinalIgnoreCase)
                    || c.Members.Any(m => string.Equals(m, address, StringComparison.OrdinalIgnoreCase))));
    }

    public static bool IsMonitoringSender(string address, MailIntakeDefinition config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.MonitoringSenders.Any(s => string.Equals(s, address, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The key under which monitoring mail merges: sender and normalized subject ("Re:", "Fwd:" and hub tags removed,
    /// whitespace collapsed, lower-case, at most 200 characters so the key fits a table partition key).
    /// </summary>
    public static string MonitoringKey(string sender, string subject)
    {
        ArgumentNullException.ThrowIfNull(sender);
        return $"{sender.ToLowerInvariant()}|{NormalizeSubject(subject)}";
    }

    public static string NormalizeSubject(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        string clean = TagPattern().Replace(subject, " ");
        string previous;
        do
        {
            previous = clean;
            clean = ReplyPrefix().Replace(clean.Trim(), "");
        }
        while (clean != previous);

        clean = string.Join(' ', clean.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
        return clean.Length <= 200 ? clean : clean[..200];
    }

    private static bool Matches(string route, string address) =>
        route.Contains('@', StringComparison.Ordinal)
            ? string.Equals(route, address, StringComparison.OrdinalIgnoreCase)
            : address.IndexOf('@', StringComparison.Ordinal) is var at and > 0
                && string.Equals(route, address[..at], StringComparison.OrdinalIgnoreCase);

    private static bool SubjectMatches(MailRule rule, string subject)
    {
        Regex pattern = Patterns.GetOrAdd(
            rule.SubjectPattern, p => new Regex(p, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RuleTimeout));
        try
        {
            return pattern.IsMatch(subject);
        }
        catch (RegexMatchTimeoutException)
        {
            // A rule that cannot decide in time does not apply; the mail still gets a queue.
            return false;
        }
    }

    [GeneratedRegex(@"\[\s*hub\s*#\s*\d+\s*\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^(re|fwd?|aw|wg|tr|sv)\s*(\[\d+\])?\s*:\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReplyPrefix();
}
