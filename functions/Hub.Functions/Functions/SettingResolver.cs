using System.Text.RegularExpressions;

namespace Hub.Functions.Functions;

/// <summary>
/// Resolves <c>%Name%</c> app-setting references in function.json values, as the Functions host does. Setting names
/// use the app-setting spelling (<c>Hub__X</c>); configuration keys use <c>:</c>, so both are tried.
/// </summary>
internal static partial class SettingResolver
{
    public static string Resolve(string value, IConfiguration configuration, string file, string property) =>
        Reference().Replace(value, match =>
        {
            string name = match.Groups[1].Value;
            string? resolved = configuration[name.Replace("__", ":", StringComparison.Ordinal)] ?? configuration[name];
            if (string.IsNullOrEmpty(resolved))
            {
                throw new FunctionDefinitionException(file, $"'{property}' refers to app setting '{name}', which is not set.");
            }

            return resolved;
        });

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Reference();
}
