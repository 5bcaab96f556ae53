using Hub.Domain.Tickets;

namespace Hub.Domain.Catalog;

/// <summary>Collects every problem of a check (the API answers all of them at once, not the first).</summary>
internal sealed class ProblemList
{
    public const int MaxNameLength = 64;

    private readonly List<CatalogProblem> _items = [];

    public IReadOnlyList<CatalogProblem> Items => _items;

    public void Add(string path, CatalogRule rule, string message) => _items.Add(new CatalogProblem(path, rule, message));

    /// <summary>Adds a Required problem when <paramref name="value"/> is blank; true when it is present.</summary>
    public bool Required(string path, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        Add(path, CatalogRule.Required, $"{path} is required.");
        return false;
    }

    public void Name(string path, string? value)
    {
        if (Required(path, value) && !IsName(value!))
        {
            Add(path, CatalogRule.Name, $"{path} '{value}' must be letters, digits, '.', '_' or '-', starting with a letter or digit, at most {MaxNameLength}.");
        }
    }

    public void Email(string path, string? value)
    {
        if (Required(path, value) && !Addresses.IsValid(value!.Trim()))
        {
            Add(path, CatalogRule.EmailAddress, $"{path} '{value}' is not a mail address.");
        }
    }

    /// <summary>Checks an optional URL: absolute http(s), or absolute https when <paramref name="httpsOnly"/>.</summary>
    public void Url(string path, string? value, bool httpsOnly = false)
    {
        if (value is null)
        {
            return;
        }

        bool absolute = Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && uri.Host.Length > 0;
        // Plain http only to this machine (an agent beside the hub, a test): nothing crosses a network unencrypted.
        if (httpsOnly && !(absolute && (uri!.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))))
        {
            Add(path, CatalogRule.HttpsUrl, $"{path} '{value}' is not an absolute https URL (plain http is allowed only to a loopback address).");
        }
        else if (!httpsOnly && !(absolute && (uri!.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            Add(path, CatalogRule.AbsoluteUrl, $"{path} '{value}' is not an absolute http or https URL.");
        }
    }

    public static bool IsName(string value) =>
        value.Length is > 0 and <= MaxNameLength
        && char.IsAsciiLetterOrDigit(value[0])
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
