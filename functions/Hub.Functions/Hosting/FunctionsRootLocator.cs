namespace Hub.Functions.Hosting;

/// <summary>
/// Finds the app root: the folder holding host.json (and local.settings.json). Deployed, that is the executable's
/// folder; in the repository, the root (host.json beside <c>functions/</c>).
/// </summary>
internal static class FunctionsRootLocator
{
    public const string HostJsonFileName = "host.json";

    public static string Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            // The folder itself, or its parent (so the repository's functions/ folder still names the repository).
            string root = Path.GetFullPath(configured);
            string? parent = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar));
            return File.Exists(Path.Combine(root, HostJsonFileName)) ? root
                : parent is not null && File.Exists(Path.Combine(parent, HostJsonFileName)) ? parent
                : throw new HubStartupException($"Hub__FunctionsRoot '{root}': no {HostJsonFileName} in it or its parent folder.");
        }

        string app = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(app, HostJsonFileName)))
        {
            return Path.GetFullPath(app);
        }

        foreach (string start in new[] { app, Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, HostJsonFileName)) && Directory.Exists(Path.Combine(dir.FullName, "functions")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new HubStartupException(
            $"Cannot find {HostJsonFileName} next to the executable ({app}) or a repository with host.json and functions/ above it; set Hub__FunctionsRoot.");
    }
}
