namespace Hub.Domain.Changes;

/// <summary>The rules over a service's tier order that the change decider relies on.</summary>
public static class ChangeTiers
{
    /// <summary>Why <paramref name="tiers"/> cannot carry a change ("tiers: ..."), or null.</summary>
    public static string? Check(IReadOnlyList<ChangeTier> tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        if (tiers.Count == 0)
        {
            return "tiers: at least one.";
        }

        if (tiers.FirstOrDefault(t => string.IsNullOrWhiteSpace(t.Name) || !t.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) is { } bad)
        {
            return $"tiers: '{bad.Name}' is not a tier name (letters, digits, '_').";
        }

        if (tiers.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return $"tiers: {twice.Key} is listed twice.";
        }

        if (tiers[0].Role == TierRole.Production)
        {
            return $"tiers: {tiers[0].Name} cannot come first: production takes only a build a tier before it vetted.";
        }

        if (tiers.Count(t => t.Role == TierRole.Staging) > 1)
        {
            return "tiers: at most one staging tier (the one that vets builds).";
        }

        int staging = IndexOf(tiers, TierRole.Staging);
        int production = IndexOf(tiers, TierRole.Production);
        return staging >= 0 && production >= 0 && staging > production
            ? $"tiers: {tiers[staging].Name} must come before {tiers[production].Name}: production takes only what staging vetted."
            : null;
    }

    /// <summary>
    /// The tier whose successful installation vets a build: the staging tier (STAGE), or, for a service without one
    /// (DEV/TEST/LIVE), the tier just before its first production tier. Null when the service has neither.
    /// </summary>
    public static ChangeTier? Vetting(IReadOnlyList<ChangeTier> tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        int staging = IndexOf(tiers, TierRole.Staging);
        int production = IndexOf(tiers, TierRole.Production);
        return staging >= 0 ? tiers[staging] : production > 0 ? tiers[production - 1] : null;
    }

    /// <summary>The tier whose entry records the Release- tag: TEST, or the last development tier when none is called TEST.</summary>
    public static ChangeTier? Tagging(IReadOnlyList<ChangeTier> tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        return tiers.FirstOrDefault(t => t.Name.Equals("TEST", StringComparison.OrdinalIgnoreCase))
            ?? tiers.LastOrDefault(t => t.Role == TierRole.Development);
    }

    /// <summary>The tier whose approval records the PROD- branch: the first production tier.</summary>
    public static ChangeTier? Branching(IReadOnlyList<ChangeTier> tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        return tiers.FirstOrDefault(t => t.Role == TierRole.Production);
    }

    public static ChangeTier? Find(IReadOnlyList<ChangeTier> tiers, string name)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        return tiers.FirstOrDefault(t => t.Name.Equals(name?.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    private static int IndexOf(IReadOnlyList<ChangeTier> tiers, TierRole role)
    {
        for (int i = 0; i < tiers.Count; i++)
        {
            if (tiers[i].Role == role)
            {
                return i;
            }
        }

        return -1;
    }
}
