using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// The demo on real Kestrel on a free loopback port (a browser cannot reach the in-memory test server), in the
/// Development environment (for <c>/debug/emails</c>), with the test agents, on the in-memory thread store (never the demo's data folder).
/// </summary>
public sealed class DemoServer : WebApplicationFactory<Program>
{
    /// <summary>How long the <c>expiring</c> agent's interrupts stay answerable in these tests.</summary>
    public const int ExpiringAfterMs = 4000;

    public DemoServer()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal));
        BaseAddress = new Uri(address);
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Cuts the event streams open at the moment (their connections dropped), for the reconnect tests.</summary>
    public StreamCutter Streams { get; } = new();

    /// <summary>When cancels and terminal frames reached and left the server (the voice latency harness).</summary>
    public ServerTimeline Timeline { get; } = new();

    /// <summary>The server's address, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for the server's HTTP endpoints (thread view, debug emails).</summary>
    public HttpClient Http { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Development");
        builder.UseSetting("Demo:Store", "memory");
        builder.UseSetting("Demo:TestAgents", "true"); // approval-fails: a run that fails after sending
        builder.UseSetting("Demo:ExpiringAfterMs", ExpiringAfterMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The CopilotKit sample's bundle under /copilotkit/ on the demo's origin, when it is built (CopilotKitTests).
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new StaticBundle("/copilotkit", CopilotKitPage.BundleDirectory)));
        // ReconnectPageTests: cuts the open event streams as a dropped network would.
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(Streams));
        // VoiceLatencyHarness: server-side timestamps of each cancel and terminal frame.
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(Timeline));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Http.Dispose();
        }

        base.Dispose(disposing);
    }
}
