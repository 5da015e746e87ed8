using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>
/// The bound on memory held by request bodies still arriving (<see cref="AgUiOptions.MaxPendingRequestBodyBytes"/>):
/// past it a request is refused at once with 503 problem+json, and the room comes back when those bodies end.
/// </summary>
public sealed class PendingBodyTests : IAsyncLifetime
{
    private const int BodyLimit = 4096;

    // The smallest budget allowed (one largest body plus a 64 KiB chunk): room for 17 bodies holding one 4 KiB chunk each.
    private const int Budget = BodyLimit + (64 * 1024);
    private const int Holders = Budget / 4096;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private TestHost _host = null!;

    // Kestrel's minimum body data rate would end a holder after its 5 s grace, giving its chunk back: on a loaded
    // machine the budget might then never fill. The holders stall on purpose here, so the rate is not enforced.
    public async Task InitializeAsync() => _host = await TestHost.StartAsync(
        app => app.MapAgUi("/agents/test", (_, _) => ValueTask.FromResult(AgentOutcome.Success())),
        options =>
        {
            options.MaxRequestBodyBytes = BodyLimit;
            options.MaxPendingRequestBodyBytes = Budget;
        },
        services => services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MinRequestBodyDataRate = null));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Run_BodiesStillArrivingFillTheBudget_NextBodyIs503AtOnce_AndRunsWorkAgainWhenTheyEnd()
    {
        var holders = new List<Socket>();
        try
        {
            // Each declares the largest body and sends part of it: one 4 KiB chunk held per request.
            for (var i = 0; i < Holders; i++)
            {
                holders.Add(await OpenPartialAsync(BodyLimit, 100));
            }

            // The server takes each holder's chunk when it reads the first bytes: ask until it has read them all (on a
            // loaded machine that can take seconds; the wait ends as soon as it has).
            HttpResponseMessage refused;
            var waiting = Stopwatch.StartNew();
            while ((refused = await SendRunAsync()).StatusCode == HttpStatusCode.OK && waiting.Elapsed < Patience)
            {
                refused.Dispose();
                await Task.Delay(50);

                // A holder read while a probe's body held its chunk was itself refused (its answer is waiting): it holds
                // nothing, so another takes its place.
                for (var i = 0; i < holders.Count; i++)
                {
                    if (holders[i].Available > 0)
                    {
                        holders[i].Dispose();
                        holders[i] = await OpenPartialAsync(BodyLimit, 100);
                    }
                }
            }

            using var _ = refused;
            var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;

            refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            refused.Headers.RetryAfter.Should().NotBeNull();
            ((string?)problem["code"]).Should().Be("BODY_BUFFERS_FULL");
        }
        finally
        {
            foreach (var socket in holders)
            {
                socket.Dispose();
            }
        }

        // The aborted bodies give their chunks back (as soon as the server sees the connections close).
        HttpStatusCode status;
        var released = Stopwatch.StartNew();
        do
        {
            await Task.Delay(50);
            using var response = await SendRunAsync();
            status = response.StatusCode;
        }
        while (status != HttpStatusCode.OK && released.Elapsed < Patience);

        status.Should().Be(HttpStatusCode.OK, "the budget is released when the bodies still arriving end");
    }

    [Fact]
    public async Task Run_BodiesStillArrivingBelowTheBudget_RunStreams()
    {
        var holders = new List<Socket>();
        try
        {
            for (var i = 0; i < Holders - 1; i++)
            {
                holders.Add(await OpenPartialAsync(BodyLimit, 100));
            }

            await Task.Delay(200); // let the server read the holders' first bytes (were it not to, the run would pass anyway)
            using var response = await SendRunAsync();

            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await Sse.ReadAllAsync(response)).Types().Should().Equal("RUN_STARTED", "RUN_FINISHED");
        }
        finally
        {
            foreach (var socket in holders)
            {
                socket.Dispose();
            }
        }
    }

    private async Task<HttpResponseMessage> SendRunAsync()
    {
        using var request = Sse.RunRequest("/agents/test", RunInputs.Json());
        return await _host.Client.SendAsync(request);
    }

    /// <summary>Opens a connection that declares <paramref name="declared"/> body bytes and sends only <paramref name="sent"/>.</summary>
    private async Task<Socket> OpenPartialAsync(int declared, int sent)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, _host.Client.BaseAddress!.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST /agents/test HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n" + new string(' ', sent)));
        return socket;
    }
}
