using Grpc.Net.Client;

namespace Hub.Standalone.Durable;

/// <summary>The loopback address of the in-process sidecar and the one channel the worker and the client share.</summary>
internal sealed class DurableEndpoint : IDisposable
{
    public DurableEndpoint(int port)
    {
        Port = port;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public GrpcChannel Channel { get; }

    public void Dispose() => Channel.Dispose();
}
