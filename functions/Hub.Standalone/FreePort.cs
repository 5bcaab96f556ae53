using System.Net;
using System.Net.Sockets;

namespace Hub.Standalone;

/// <summary>A loopback port free right now, for the in-process Durable sidecar (nothing outside the process uses it).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
