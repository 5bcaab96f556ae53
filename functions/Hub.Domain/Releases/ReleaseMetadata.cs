using System.Text.Json.Serialization;

namespace Hub.Domain.Releases;

[JsonConverter(typeof(JsonStringEnumConverter<ReleaseType>))]
public enum ReleaseType
{
    /// <summary>Updates to a major release: published under <c>production/&lt;major&gt;/updates</c>.</summary>
    Incremental,

    /// <summary>A major (base) release: published under <c>production/&lt;major&gt;/base</c>.</summary>
    NonIncremental,
}

/// <summary>The content of a release.xml (docs/releases.md, <c>release.xsd</c>), as validated.</summary>
public sealed record ReleaseMetadata(
    string Name,
    string Version,
    string DistributionShortName,
    string AssociatedMajorRelease,
    ReleaseType ReleaseType,
    IReadOnlyList<string> Targets,
    IReadOnlyList<SoftwareComponent> SoftwareComponents)
{
    [JsonIgnore]
    public IEnumerable<ReleasePackage> Packages => SoftwareComponents.SelectMany(c => c.Packages);
}

public sealed record SoftwareComponent(string Name, IReadOnlyList<ReleasePackage> Packages);

/// <summary>One package: <paramref name="Path"/> is relative to the Sync-URL and to the release's area.</summary>
public sealed record ReleasePackage(string Name, string Version, string Arch, long Size, string Sha256, string Path);
