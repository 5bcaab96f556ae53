namespace Hub.Functions.Hosting;

/// <summary>
/// Finds the function folders and host.json. Deployed (Functions app layout) they sit next to the executable; in the
/// repository host.json is at the root and the function folders under <c>functions/</c>.
/// </summary>
internal static class FunctionsRootLocator
{
    public const string HostJsonFileName = "host.json";

    public static (string FunctionsRoot, string HostJson) Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            string root = Path.GetFullPath(configured);
            return (root, HostJsonFor(root) ?? throw new HubStartupException(
                $"Hub__FunctionsRoot '{root}': no {HostJsonFileName} in it or its parent folder."));
        }

        string app = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(app, HostJsonFileName)))
        {
            return (Path.GetFullPath(app), Path.Combine(app, HostJsonFileName));
        }

        foreach (string start in new[] { app, Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string hostJson = Path.Combine(dir.FullName, HostJsonFileName);
                string functions = Path.Combine(dir.FullName, "functions");
                if (File.Exists(hostJson) && Directory.Exists(functions))
                {
                    return (functions, hostJson);
                }
            }
        }

        throw new HubStartupException(
            $"Cannot find {HostJsonFileName} next to the executable ({app}) or a repository with host.json and functions/ above it; set Hub__FunctionsRoot.");
    }

    private static string? HostJsonFor(string root)
    {
        string inside = Path.Combine(root, HostJsonFileName);
        if (File.Exists(inside))
        {
            return inside;
        }

        string? parent = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar));
        string beside = parent is null ? "" : Path.Combine(parent, HostJsonFileName);
        return File.Exists(beside) ? beside : null;
    }
}
