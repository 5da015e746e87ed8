using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

/// <summary>The demo on real Kestrel on a free loopback port, on the in-memory thread store, with a client aimed at it.</summary>
public sealed class KestrelDemo : WebApplicationFactory<Program>
{
    public KestrelDemo()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSetting("Demo:Store", "memory");
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
