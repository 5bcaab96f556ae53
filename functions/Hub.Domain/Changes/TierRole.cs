using System.Text.Json.Serialization;

namespace Hub.Domain.Changes;

/// <summary>
/// What a tier is for, which decides who may deploy to it and what a promotion there needs
/// (<see cref="ChangeTier.Named"/> maps the manual's tier names).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<TierRole>))]
public enum TierRole
{
    /// <summary>DEV, TEST: developers and system integrators; no release window.</summary>
    Development,

    /// <summary>STAGE: system integrators, inside a release window; a successful installation vets the build.</summary>
    Staging,

    /// <summary>TRN (the Edinburgh TAD's training tier): used by real people, so treated as production-like: system integrators, inside a window.</summary>
    Training,

    /// <summary>PROD, LIVE: system integrators, inside a window, only a vetted build; approval records the PROD- branch.</summary>
    Production,
}
