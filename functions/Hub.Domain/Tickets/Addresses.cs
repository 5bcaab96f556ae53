using Hub.Domain.Durable;

namespace Hub.Domain.Tickets;

/// <summary>Mail addresses as tickets keep them: trimmed, compared case-insensitively, no duplicates.</summary>
internal static class Addresses
{
    public static bool IsValid(string address)
    {
        int at = address.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == address.LastIndexOf('@') && at < address.Length - 1 && !address.Any(char.IsWhiteSpace);
    }

    public static bool Contains(IEnumerable<string> list, string address) =>
        list.Any(a => string.Equals(a, address, StringComparison.OrdinalIgnoreCase));

    /// <summary>The distinct addresses of <paramref name="addresses"/>, or a refusal naming <paramref name="field"/>.</summary>
    public static Result<IReadOnlyList<string>> Normalize(IEnumerable<string> addresses, string field)
    {
        var result = new List<string>();
        foreach (string raw in addresses)
        {
            string address = raw?.Trim() ?? "";
            if (!IsValid(address))
            {
                return Result<IReadOnlyList<string>>.Rejected($"{field}: '{raw}' is not a mail address.");
            }

            if (!Contains(result, address))
            {
                result.Add(address);
            }
        }

        return Result<IReadOnlyList<string>>.Ok(result);
    }

    /// <summary>The addresses of <paramref name="lists"/> minus <paramref name="except"/>, first spelling kept.</summary>
    public static IReadOnlyList<string> Union(IEnumerable<IEnumerable<string>> lists, IEnumerable<string> except)
    {
        var result = new List<string>();
        foreach (string address in lists.SelectMany(l => l))
        {
            if (!Contains(result, address) && !Contains(except, address))
            {
                result.Add(address);
            }
        }

        return result;
    }
}
