using System.Text.Json.Serialization;

namespace Hub.Domain.Catalog;

/// <summary>The rule a service record, a site or a site command breaks; the HTTP layer reports it beside the field path.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CatalogRule>))]
public enum CatalogRule
{
    /// <summary>The field is missing or blank.</summary>
    Required,

    /// <summary>A name: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64.</summary>
    Name,

    /// <summary>Not a mail address.</summary>
    EmailAddress,

    /// <summary>Not an absolute http or https URL.</summary>
    AbsoluteUrl,

    /// <summary>Not an absolute https URL (agents are only reached over TLS).</summary>
    HttpsUrl,

    /// <summary>A tier name the hub does not know (DEV, TEST, TRN, STAGE, LIVE, PROD), or one the service does not have.</summary>
    UnknownTier,

    /// <summary>A node the tier does not have.</summary>
    UnknownNode,

    /// <summary>The same name (tier, node, certificate, member, ...) appears twice where it must be unique.</summary>
    Duplicate,

    /// <summary>A number that must be zero or more (a startup rank).</summary>
    NonNegative,

    /// <summary>A certificate's expiry is not after its issue time.</summary>
    ExpiryBeforeIssue,

    /// <summary>A value outside its allowed set (a site command or an update strategy).</summary>
    UnknownValue,

    /// <summary>A site names a service the catalog does not have.</summary>
    UnknownService,

    /// <summary>A site member has no startup rank, so it has no place in the start order.</summary>
    MissingRank,

    /// <summary>A site member's <c>after</c> names a service that is not a member of the site.</summary>
    NotInSite,

    /// <summary>Startup dependencies (<c>after</c>) form a cycle.</summary>
    Cycle,

    /// <summary>A service starts after one whose startup rank is not lower than its own.</summary>
    RankOrder,

    /// <summary>A command would reach no node of a service (the service has no node in the chosen tier).</summary>
    NoNodes,

    /// <summary>A rolling update needs two nodes of a service in each server tier, or that service stops serving.</summary>
    SingleNode,
}
