using System.Net;
using System.Net.Sockets;
using System.Text;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>
/// A client that leaves while still sending a body (a closed tab, a dropped connection) is nobody to answer: every
/// endpoint that reads a body ends the request quietly, with no error logged as the application's, and the server
/// goes on serving.
/// </summary>
public sealed class ClientLeavesMidBodyTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(
        app => app.MapAgUi("/agents/test", (_, _) => ValueTask.FromResult(AgentOutcome.Success())),
        middleware: app => app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            // What escapes the endpoint is what the server would log as the application's unhandled exception.
            _started.TrySetResult();
            try
            {
                await next(context);
                _ended.TrySetResult(null);
            }
            catch (Exception ex)
            {
                _ended.TrySetResult(ex);
                throw;
            }
        }));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("run", "/agents/test", true)]
    [InlineData("decision", "/agents/test/threads/t1/interrupts/int_1", true)]
    [InlineData("resume", "/agents/test/threads/t1/resume", true)]
    [InlineData("run", "/agents/test", false)]
    [InlineData("decision", "/agents/test/threads/t1/interrupts/int_1", false)]
    [InlineData("resume", "/agents/test/threads/t1/resume", false)]
    public async Task ClientLeavesWhileSendingTheBody_NothingEscapesTheEndpoint_AndTheServerGoesOn(string endpoint, string path, bool reset)
    {
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            await socket.ConnectAsync(IPAddress.Loopback, _host.Client.BaseAddress!.Port);
            await socket.SendAsync(Encoding.ASCII.GetBytes(
                $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: 1000\r\n\r\n{{\"threadId\":\"t1\","));
            await _started.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await Task.Delay(100); // let the endpoint start reading the body (were it not to, it would read the end all the same)

            if (reset)
            {
                socket.LingerState = new LingerOption(true, 0); // closed with a reset, as a dropped connection
            }
            else
            {
                socket.Shutdown(SocketShutdown.Send); // the body ends short of its Content-Length
            }
        }

        var escaped = await _ended.Task.WaitAsync(TimeSpan.FromSeconds(10));

        escaped.Should().BeNull($"a client leaving the {endpoint} endpoint mid-body is nobody to answer, not an error of the application");
        // Kestrel's own account of a reset mid-body (its drain of the rest may fail) is the server's, not the application's.
        _host.Logs.Entries.Where(e => e.Level >= LogLevel.Error && (e.EventId.Name == "ApplicationError" || e.Category.StartsWith("AutomagikHello", StringComparison.Ordinal)))
            .Select(e => $"{e.Category}: {e.Message}").Should().BeEmpty();
        using var after = await _host.Client.GetAsync("/agents/test/threads/t1");
        after.StatusCode.Should().Be(HttpStatusCode.NotFound, "the server goes on serving, and nothing was recorded for the thread");
    }
}
