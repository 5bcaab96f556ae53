namespace Hub.Domain.Changes;

/// <summary>The rules over a service's loadsets in the definitive software library.</summary>
public static class Loadsets
{
    /// <summary>
    /// What <c>current</c> points at for <paramref name="family"/>/<paramref name="component"/>: the newest stable bin
    /// (highest NNN.NNN), or null when there is none. Dev, stale, os, cfg and neg loadsets never become current.
    /// </summary>
    public static LoadsetName? Current(IEnumerable<LoadsetName> loadsets, string family, string component)
    {
        ArgumentNullException.ThrowIfNull(loadsets);
        return loadsets
            .Where(l => l.IsStableBin && l.Family == family && l.Component == component)
            .OrderByDescending(l => l.Version)
            .FirstOrDefault();
    }
}
