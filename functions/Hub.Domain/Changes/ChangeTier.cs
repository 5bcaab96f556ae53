using System.Text.Json.Serialization;
using Hub.Domain.Durable;

namespace Hub.Domain.Changes;

/// <summary>
/// One tier of a service as a change sees it: its name and its role. (The catalog's own tier record carries nodes and
/// agents; the layer that opens a change maps the service's tier names with <see cref="FromNames"/>.)
/// </summary>
public sealed record ChangeTier(string Name, TierRole Role)
{
    /// <summary>Every tier but a development one is production-like: system integrators only, inside a release window.</summary>
    [JsonIgnore]
    public bool ProductionLike => Role != TierRole.Development;

    /// <summary>
    /// The tier named <paramref name="name"/> with the manual's role for it: DEV and TEST development, STAGE staging,
    /// TRN training, PROD and LIVE production. Another name needs its role given explicitly.
    /// </summary>
    public static Result<ChangeTier> Named(string name)
    {
        TierRole? role = name?.Trim().ToUpperInvariant() switch
        {
            "DEV" or "TEST" => TierRole.Development,
            "STAGE" => TierRole.Staging,
            "TRN" => TierRole.Training,
            "PROD" or "LIVE" => TierRole.Production,
            _ => null,
        };
        return role is { } r
            ? Result<ChangeTier>.Ok(new ChangeTier(name!.Trim().ToUpperInvariant(), r))
            : Result<ChangeTier>.Rejected($"tiers: '{name}' is not DEV, TEST, STAGE, TRN, PROD or LIVE; give its role explicitly.");
    }

    /// <summary>The tiers named, in that order, each with the manual's role; the first unknown name refuses them all.</summary>
    public static Result<IReadOnlyList<ChangeTier>> FromNames(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var tiers = new List<ChangeTier>();
        foreach (string name in names)
        {
            Result<ChangeTier> tier = Named(name);
            if (!tier.IsOk)
            {
                return Result<IReadOnlyList<ChangeTier>>.Rejected(tier.Reason!);
            }

            tiers.Add(tier.Value!);
        }

        return Result<IReadOnlyList<ChangeTier>>.Ok(tiers);
    }

    /// <summary>DEV -> TEST -> STAGE -> PROD, the default order.</summary>
    public static IReadOnlyList<ChangeTier> Default { get; } =
    [
        new("DEV", TierRole.Development), new("TEST", TierRole.Development), new("STAGE", TierRole.Staging), new("PROD", TierRole.Production),
    ];
}
