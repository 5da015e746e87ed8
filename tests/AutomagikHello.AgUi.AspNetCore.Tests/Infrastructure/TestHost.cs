using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (a free port) with AG-UI registered, and an <see cref="HttpClient"/> aimed at
/// it. Logs are captured in <see cref="Logs"/>. Dispose it to stop the server.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestHost(WebApplication app, Uri address, LogSink logs)
    {
        _app = app;
        Logs = logs;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public LogSink Logs { get; }

    public static async Task<TestHost> StartAsync(
        Action<WebApplication> map,
        Action<AgUiOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? middleware = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var logs = new LogSink();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.Services.AddAgUi(configure);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        middleware?.Invoke(app);
        map(app);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestHost(app, new Uri(address), logs);
    }

    /// <summary>Starts a server with one agent at <c>/agents/test</c>.</summary>
    public static Task<TestHost> StartAsync(Func<AgUiRun, CancellationToken, ValueTask<AgentOutcome>> agent, Action<AgUiOptions>? configure = null) =>
        StartAsync(app => app.MapAgUi("/agents/test", agent), configure);

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stopping.Token);
        }

        await _app.DisposeAsync();
        Client.Dispose();
    }
}
