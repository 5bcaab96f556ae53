using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

// A stand-in service for the site tests (tests/Hub.Functions.Tests/Sites/SiteLab.cs): listens on 127.0.0.1:<port> and
// answers every HTTP request 200 with its name and process id, until SIGTERM ends it or the process --parent names is gone
// (the test run that started it: a stand-in never outlives it).
// Usage: dotnet Hub.SiteService.dll --port <port> --name <name> [--parent <pid>]
int port = int.Parse(Argument("--port"), NumberStyles.None, CultureInfo.InvariantCulture);
string name = Argument("--name");
byte[] body = Encoding.UTF8.GetBytes($"{name} {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}\n");
byte[] answer = [.. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n"), .. body];

using var stop = new CancellationTokenSource();
using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
if (Array.IndexOf(args, "--parent") >= 0)
{
    int parent = int.Parse(Argument("--parent"), NumberStyles.None, CultureInfo.InvariantCulture);
    _ = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var watched = System.Diagnostics.Process.GetProcessById(parent);
            }
            catch (ArgumentException)
            {
                await stop.CancelAsync();
            }

            await Task.Delay(500);
        }
    });
}

using var listener = new TcpListener(IPAddress.Loopback, port);
listener.Start();
Console.WriteLine($"{name} listening on {port.ToString(CultureInfo.InvariantCulture)}");
try
{
    while (true)
    {
        Socket socket = await listener.AcceptSocketAsync(stop.Token);
        _ = Task.Run(async () =>
        {
            using (socket)
            {
                byte[] request = new byte[8192];
                try
                {
                    // The request head, then the answer: enough for curl and HttpClient.
                    int total = 0;
                    while (total < request.Length && !Encoding.ASCII.GetString(request, 0, total).Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        int read = await socket.ReceiveAsync(request.AsMemory(total), SocketFlags.None);
                        if (read == 0)
                        {
                            return;
                        }

                        total += read;
                    }

                    await socket.SendAsync(answer, SocketFlags.None);
                    socket.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                    // the client went away
                }
            }
        });
    }
}
catch (OperationCanceledException)
{
    Console.WriteLine($"{name} stopped");
}

return 0;

string Argument(string flag) =>
    Array.IndexOf(args, flag) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{flag} is required");
