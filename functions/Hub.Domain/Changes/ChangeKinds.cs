namespace Hub.Domain.Changes;

/// <summary>How people write a <see cref="ChangeKind"/>: the API's <c>kind</c> and a deployment request mail's <c>Kind:</c> line.</summary>
public static class ChangeKinds
{
    /// <summary>The spellings <see cref="Parse"/> takes, for messages.</summary>
    public const string Spellings = "new-system, enhancement, fix, long-term-fix, emergency";

    /// <summary>The kind named by <paramref name="text"/> in any case, spaces, '-' and '_' ignored; null for none.</summary>
    public static ChangeKind? Parse(string? text)
    {
        string key = new([.. (text ?? "").Where(char.IsLetter)]);
        return key.Length == 0
            ? null
            : Enum.GetValues<ChangeKind>().Select(k => (ChangeKind?)k).FirstOrDefault(k => string.Equals(k.ToString(), key, StringComparison.OrdinalIgnoreCase));
    }
}
