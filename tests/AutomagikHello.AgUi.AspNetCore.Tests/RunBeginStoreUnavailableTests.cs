using System.Net;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>
/// A store that cannot begin a run answers it with 503 problem+json, whether the begin fails at once or after it went
/// asynchronous; a begin that goes asynchronous and succeeds streams the run. (The pipeline returns the run's own task
/// once the stream has opened, and waits for a 503 only while the begin is under way.)
/// </summary>
public sealed class RunBeginStoreUnavailableTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_TheStoreCannotBegin_Is503StoreUnavailable(bool afterYielding)
    {
        await using var host = await StartAsync(new BeginStore { Fails = true, Yields = afterYielding });

        using var response = await host.Client.SendAsync(Sse.RunRequest("/agents/a", RunInputs.Json()));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((string?)problem["code"]).Should().Be(RunErrorCodes.StoreUnavailable);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_TheStoreBegins_StreamsTheRun(bool afterYielding)
    {
        await using var host = await StartAsync(new BeginStore { Yields = afterYielding });

        var stream = await Sse.RunAsync(host.Client, "/agents/a", RunInputs.Json());

        stream.Types.Should().StartWith("RUN_STARTED").And.EndWith("RUN_FINISHED");
    }

    private static Task<TestHost> StartAsync(BeginStore store) => TestHost.StartAsync(
        app => app.MapAgUi("/agents/a", async (run, _) =>
        {
            await run.SendTextMessageAsync("hi");
            return AgentOutcome.Success();
        }),
        services: services => services.AddSingleton<IThreadStore>(store));

    /// <summary>An in-memory store whose begin fails, or goes asynchronous first, as told.</summary>
    private sealed class BeginStore : DelegatingThreadStore
    {
        public bool Fails { get; init; }

        public bool Yields { get; init; }

        public override ValueTask<BeginRunResult> BeginRunAsync(BeginRunRequest request, CancellationToken cancellationToken = default) =>
            Yields ? BeginAfterYieldingAsync(request, cancellationToken) : Begin(request, cancellationToken);

        private async ValueTask<BeginRunResult> BeginAfterYieldingAsync(BeginRunRequest request, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return await Begin(request, cancellationToken);
        }

        private ValueTask<BeginRunResult> Begin(BeginRunRequest request, CancellationToken cancellationToken) =>
            Fails ? throw new ThreadStoreUnavailableException("test: the store is unreachable") : Inner.BeginRunAsync(request, cancellationToken);
    }
}
