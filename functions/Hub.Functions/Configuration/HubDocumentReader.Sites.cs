using System.Text.Json;
using Hub.Domain.Catalog;
using Hub.Domain.Sites;

namespace Hub.Functions.Configuration;

internal sealed partial class HubDocumentReader
{
    /// <summary>
    /// <c>sites:</c>, the named sets of services that Start/Stop/Status/Update run across (docs/sites.md), each read as
    /// <c>PUT /api/sites/{site}</c> reads it and checked by <see cref="SiteValidator"/> against the document's own
    /// <c>services:</c>, with every problem reported at its path (<c>sites[0].services[2].after</c>).
    /// </summary>
    private List<Site> ReadSites(MappingReader document, ServiceCatalog catalog)
    {
        var sites = new List<Site>();
        var names = new List<Named>();
        foreach (var (node, path) in document.List("sites"))
        {
            Site? site;
            try
            {
                site = ToJson(node).Deserialize<Site>(ServiceJson);
            }
            catch (JsonException e)
            {
                context.Error(node, path + (e.Path is { Length: > 1 } at ? at[1..] : ""), $"is not a site: {e.Message.Split(" Path:", 2)[0]}");
                continue;
            }

            if (site is null)
            {
                context.Error(node, path, "must be a site");
                continue;
            }

            IReadOnlyList<CatalogProblem> problems = SiteValidator.Validate(site, catalog);
            foreach (CatalogProblem problem in problems)
            {
                context.Error(node, $"{path}.{problem.Path}", problem.Message);
            }

            if (problems.Count == 0)
            {
                sites.Add(site);
                names.Add(new Named(site.Name, node, $"{path}.name"));
            }
        }

        context.CheckUnique("site name", names);
        return sites;
    }
}
