using System.Security.Cryptography;
using System.Text;

namespace Hub.Functions.Admin;

/// <summary>Compares keys in constant time; hashing first makes the comparison independent of the lengths too.</summary>
internal static class AdminKeyCheck
{
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
