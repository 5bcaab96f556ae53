namespace Hub.Functions.Intake.Mail;

/// <summary>msg-id lists (Message-ID, In-Reply-To, References) with the angle brackets stripped.</summary>
internal static class MessageIds
{
    public static List<string> Parse(string? value)
    {
        var ids = new List<string>();
        if (string.IsNullOrWhiteSpace(value))
        {
            return ids;
        }

        int position = 0;
        while (true)
        {
            int open = value.IndexOf('<', position);
            int close = open < 0 ? -1 : value.IndexOf('>', open + 1);
            if (close < 0)
            {
                break;
            }

            string id = value[(open + 1)..close].Trim();
            if (id.Length > 0)
            {
                ids.Add(id);
            }

            position = close + 1;
        }

        if (ids.Count == 0)
        {
            // Some mailers omit the brackets: take the whitespace-separated tokens, minus comments.
            ids.AddRange(value.Split([' ', '\t', '\r', '\n', ','], StringSplitOptions.RemoveEmptyEntries).Where(t => !t.StartsWith('(')));
        }

        return ids;
    }
}
