namespace Hub.Functions.Functions;

/// <summary>
/// Every function the hub serves, read once at start from <c>&lt;FunctionsRoot&gt;/*/function.json</c>, plus host.json.
/// </summary>
public sealed class FunctionCatalog
{
    private readonly Dictionary<string, FunctionDefinition> _byName;

    public FunctionCatalog(string root, HostJson host, IReadOnlyList<FunctionDefinition> functions)
    {
        Root = root;
        Host = host;
        Functions = functions;
        _byName = functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
    }

    public string Root { get; }

    public HostJson Host { get; }

    public IReadOnlyList<FunctionDefinition> Functions { get; }

    public FunctionDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    public static FunctionCatalog Load(string root, string hostJsonPath, IConfiguration configuration, TimeZoneInfo timeZone)
    {
        if (!Directory.Exists(root))
        {
            throw new FunctionDefinitionException(root, "the functions folder does not exist (setting Hub__FunctionsRoot).");
        }

        HostJson host = HostJson.Load(hostJsonPath);
        var functions = new List<FunctionDefinition>();
        foreach (string folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            string file = Path.Combine(folder, "function.json");
            if (!File.Exists(file))
            {
                continue; // project folders (Hub.Domain, ...) live beside the function folders
            }

            functions.Add(FunctionJsonParser.Parse(Path.GetFileName(folder), file, File.ReadAllText(file), configuration, timeZone));
        }

        return new FunctionCatalog(root, host, functions);
    }

    /// <summary>
    /// Every non-HTTP function needs exactly one handler. A handler without a function is fine: test and partial
    /// function folders ship only some functions.
    /// </summary>
    public void VerifyHandlers(IEnumerable<IFunctionHandler> handlers)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (IFunctionHandler handler in handlers)
        {
            if (!names.Add(handler.Name))
            {
                throw new FunctionDefinitionException(handler.GetType().FullName ?? handler.Name, $"a second handler is registered for function '{handler.Name}'.");
            }
        }

        foreach (FunctionDefinition function in Functions.Where(f => f.Trigger != TriggerKind.Http && !names.Contains(f.Name)))
        {
            throw new FunctionDefinitionException(function.FilePath, $"{function.Trigger} function '{function.Name}' has no registered IFunctionHandler.");
        }
    }
}
