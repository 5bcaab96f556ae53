using System.Net;
using System.Net.Sockets;
using Hub.Domain.Configuration;

namespace Hub.Functions.Releases;

/// <summary>
/// Keeps the hub's fetches from a provider's Sync-URL and releaseXmlUrl off internal networks (SSRF): the connection is
/// made only to addresses that DNS resolution returned and that are public, unless the host is listed in
/// <c>releases.fetch.allowedHosts</c>; redirects are never followed (a 3xx is a failed fetch). It is the primary handler
/// of the release-fetch client (Outbound/OutboundHttp.cs), below that client's resilience pipeline; a refusal is not
/// retried.
/// </summary>
public static class FetchGuard
{
    /// <summary>The handler of the <see cref="PackageFetcher.ClientName"/> client.</summary>
    public static SocketsHttpHandler Handler(ReleaseFetchLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectCallback = (context, ct) => ConnectAsync(limits, context.DnsEndPoint, ct),
        };
    }

    /// <summary>Whether <paramref name="address"/> is a public unicast address (not loopback, private, link-local, unique-local, ...).</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] b = address.GetAddressBytes();
            return !(b[0] == 0                                        // "this" network
                || b[0] == 10                                         // private
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)         // carrier-grade NAT
                || b[0] == 127                                        // loopback
                || (b[0] == 169 && b[1] == 254)                       // link-local (cloud metadata endpoints)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)          // private
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)            // IETF protocol assignments
                || (b[0] == 192 && b[1] == 0 && b[2] == 2)            // documentation
                || (b[0] == 192 && b[1] == 168)                       // private
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))        // benchmarking
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)         // documentation
                || (b[0] == 203 && b[1] == 0 && b[2] == 113)          // documentation
                || b[0] >= 224);                                      // multicast, reserved, broadcast
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            byte[] b = address.GetAddressBytes();
            return !(IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC                              // unique-local fc00::/7
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8)  // documentation
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) // NAT64: could reach IPv4-internal
                || address.IsIPv4MappedToIPv6);
        }

        return false;
    }

    private static async ValueTask<Stream> ConnectAsync(ReleaseFetchLimits limits, DnsEndPoint endpoint, CancellationToken ct)
    {
        IPAddress[] addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out IPAddress? literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        if (!limits.IsAllowedHost(endpoint.Host))
        {
            if (addresses.FirstOrDefault(a => !IsPublic(a)) is { } inner)
            {
                throw new FetchRefusedException(
                    $"{endpoint.Host} resolves to {inner}, which is not a public address; the hub fetches from public addresses only unless releases.fetch.allowedHosts lists the host.");
            }
        }

        if (addresses.Length == 0)
        {
            throw new FetchRefusedException($"{endpoint.Host} has no address.");
        }

        // Connect to the addresses checked above, never to a second resolution (DNS rebinding).
        SocketException? last = null;
        foreach (IPAddress address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
