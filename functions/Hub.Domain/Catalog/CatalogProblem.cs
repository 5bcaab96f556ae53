namespace Hub.Domain.Catalog;

/// <summary>
/// One thing wrong with a service record, a site or a site command: the field's path as the API spells it
/// (<c>tiers[1].nodes[0].agentUrl</c>), the rule it breaks, and a sentence for the operator. Callers switch on
/// <see cref="Rule"/> and <see cref="Path"/>; <see cref="Message"/> is only for people.
/// </summary>
public sealed record CatalogProblem(string Path, CatalogRule Rule, string Message);
