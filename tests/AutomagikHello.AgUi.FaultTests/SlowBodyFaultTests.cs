using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace AutomagikHello.AgUi.FaultTests;

/// <summary>
/// A slowloris against the demo as a real process with the heap capped at 256 MB (what .NET sets in a container with a
/// ~340 MB memory limit): many connections each declare a 1 MiB body and trickle it. Memory must follow the bytes that
/// arrived, not the bytes declared, so the process stays up and serves everyone else.
/// </summary>
public sealed class SlowBodyFaultTests(ITestOutputHelper output) : IDisposable
{
    private const int Connections = 500;
    private const int DeclaredBytes = 1024 * 1024;

    // Above Kestrel's minimum body data rate (240 B/s after a 5 s grace), so the server keeps every connection open.
    private const int BytesPerSecond = 300;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task FiveHundredTricklingOneMebibyteBodies_Under256MbHeap_NormalRunsSucceedAndTheProcessLives()
    {
        await using var demo = await DemoProcess.StartReadyAsync(
            new Dictionary<string, string> { ["Demo:Store"] = "memory", ["DOTNET_GCHeapHardLimit"] = "0x10000000" },
            _temp.Path);
        (await RunEchoAsync(demo.Client)).Should().Be("RUN_FINISHED", "the demo serves a run before the attack");
        var baseline = ResidentKib(demo.ProcessId);

        using var stop = new CancellationTokenSource();
        var sockets = await OpenTricklingAsync(demo.Port);
        var trickle = TrickleAsync(sockets, stop.Token);
        try
        {
            // Long enough for every connection to be past its headers and into its body (and past Kestrel's grace period).
            await Task.Delay(TimeSpan.FromSeconds(8));
            demo.HasExited.Should().BeFalse("the process survives the slow bodies: {0}", demo.Output);
            var underAttack = ResidentKib(demo.ProcessId);

            var outcomes = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                outcomes.Add(await RunEchoAsync(demo.Client));
            }

            var afterRuns = ResidentKib(demo.ProcessId);
            output.WriteLine($"RSS: {baseline} KiB before, {underAttack} KiB with {Connections} trickling bodies, {afterRuns} KiB after 5 runs; {sockets.Count(s => s.Connected)} sockets connected");

            demo.HasExited.Should().BeFalse("the process survives the slow bodies: {0}", demo.Output);
            outcomes.Should().AllBe("RUN_FINISHED", "normal runs succeed while {0} bodies trickle: {1}", Connections, demo.Output);
            (underAttack - baseline).Should().BeLessThan(128 * 1024, "memory follows the bytes received (~{0} KiB in all), not the {1} MiB declared", Connections * BytesPerSecond * 8 / 1024, Connections);
        }
        finally
        {
            await stop.CancelAsync();
            await trickle;
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Runs the echo agent once (bounded in time); returns the last event's type, or what went wrong.</summary>
    private static async Task<string> RunEchoAsync(HttpClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            using var request = AgUiCalls.RunRequest("/agents/echo", AgUiCalls.NewThreadId(), "r1");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"http {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(timeout.Token)}";
            }

            JsonNode? last = null;
            await foreach (var e in AgUiCalls.ReadEventsAsync(response).WithCancellation(timeout.Token))
            {
                last = e;
            }

            return (string?)last?["type"] ?? "no events";
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }
    }

    private static async Task<List<Socket>> OpenTricklingAsync(int port)
    {
        var head = Encoding.ASCII.GetBytes(
            $"POST /agents/echo HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: {DeclaredBytes}\r\n\r\n"
            + """{"threadId":"slow","runId":"r1","messages":[],"state":{"pad":" """);
        var sockets = new List<Socket>(Connections);
        for (var batch = 0; batch < Connections; batch += 50)
        {
            var opened = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, port);
                await socket.SendAsync(head);
                return socket;
            }));
            sockets.AddRange(opened);
        }

        return sockets;
    }

    /// <summary>Sends <see cref="BytesPerSecond"/> more body bytes on every socket each second until stopped.</summary>
    private static async Task TrickleAsync(List<Socket> sockets, CancellationToken stop)
    {
        var chunk = Encoding.ASCII.GetBytes(new string('x', BytesPerSecond));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var socket in sockets)
                {
                    try
                    {
                        await socket.SendAsync(chunk, stop);
                    }
                    catch (SocketException)
                    {
                        // The server closed this one; the others go on.
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    /// <summary>The process's resident set (VmRSS), in KiB.</summary>
    private static long ResidentKib(int pid)
    {
        if (!File.Exists($"/proc/{pid}/status"))
        {
            return -1; // gone
        }

        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
