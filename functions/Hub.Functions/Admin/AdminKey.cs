using System.Security.Cryptography;
using System.Text;
using Hub.Functions.Hosting;

namespace Hub.Functions.Admin;

/// <summary>
/// The hub's admin key (Hub__AdminKey) in the <c>x-functions-key</c> header, as the Functions host's own admin API
/// takes its master key: the standalone host's <c>POST /admin/functions/{name}</c> and the poison functions check it.
/// An unset key refuses everyone.
/// </summary>
public static class AdminKey
{
    public const string Header = "x-functions-key";

    /// <summary>Compares in constant time; hashing first makes the comparison independent of the lengths too.</summary>
    public static bool Matches(string? presented, string? expected)
    {
        if (string.IsNullOrEmpty(presented) || string.IsNullOrEmpty(expected))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}
