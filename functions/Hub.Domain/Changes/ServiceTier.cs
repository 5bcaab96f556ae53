using System.Text.Json.Serialization;
using Hub.Domain.Durable;

namespace Hub.Domain.Changes;

/// <summary>One tier of a service, in the service's order.</summary>
public sealed record ServiceTier(string Name, TierRole Role)
{
    /// <summary>Every tier but a development one is production-like: system integrators only, inside a release window.</summary>
    [JsonIgnore]
    public bool ProductionLike => Role != TierRole.Development;

    /// <summary>
    /// The tier named <paramref name="name"/> with the manual's role for it: DEV and TEST development, STAGE staging,
    /// TRN training, PROD and LIVE production. Another name needs its role given explicitly.
    /// </summary>
    public static Result<ServiceTier> Named(string name)
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
            ? Result<ServiceTier>.Ok(new ServiceTier(name!.Trim().ToUpperInvariant(), r))
            : Result<ServiceTier>.Rejected($"tiers: '{name}' is not DEV, TEST, STAGE, TRN, PROD or LIVE; give its role explicitly.");
    }

    /// <summary>DEV -> TEST -> STAGE -> PROD, the default order.</summary>
    public static IReadOnlyList<ServiceTier> Default { get; } =
    [
        new("DEV", TierRole.Development), new("TEST", TierRole.Development), new("STAGE", TierRole.Staging), new("PROD", TierRole.Production),
    ];
}
