using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests.EventLog;

/// <summary>A log whose store is down answers the reconnect and reload endpoints with 503 problem+json, never a 500.</summary>
public sealed class RunEventLogUnavailableTests
{
    private const string Agent = "/agents/test";

    [Theory]
    [InlineData("/threads/t1/runs/r1/events")]
    [InlineData("/threads/t1/messages")]
    public async Task A_log_whose_store_is_down_is_503_store_unavailable(string path)
    {
        await using var host = await StartAsync(new UnavailableLog());

        using var response = await host.Client.SendAsync(Get(Agent + path));

        await ShouldBeStoreUnavailableAsync(response);
    }

    [Theory]
    [InlineData("/threads/t1/runs/r1/events", HttpStatusCode.NotFound)]
    [InlineData("/threads/t1/messages", HttpStatusCode.NotFound)]
    public async Task The_same_requests_on_a_log_that_answers_are_not_503(string path, HttpStatusCode status)
    {
        await using var host = await StartAsync(new InMemoryRunEventLog());

        using var response = await host.Client.SendAsync(Get(Agent + path));

        response.StatusCode.Should().Be(status);
    }

    private static Task<TestHost> StartAsync(IRunEventLog log) => TestHost.StartAsync(
        app => app.MapAgUi(Agent, static (_, _) => ValueTask.FromResult(AgentOutcome.Success())).WithEventLog(),
        services: services => services.AddSingleton(log));

    private static HttpRequestMessage Get(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Accept.ParseAdd("application/json");
        return request;
    }

    private static async Task ShouldBeStoreUnavailableAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        ((string?)problem!["code"]).Should().Be(RunErrorCodes.StoreUnavailable);
    }

    /// <summary>A log on a store that is down: every call throws as SQLite and Redis logs do then.</summary>
    private sealed class UnavailableLog : IRunEventLog
    {
        private static ThreadStoreUnavailableException Down() => new("The run event log's store is down.");

        public ValueTask<bool> CreateAsync(RunLogStart start, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask AppendAsync(RunLogKey key, IReadOnlyList<RunLogEntry> entries, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<RunLogEntry?> FinishAsync(RunLogKey key, ReadOnlyMemory<byte> terminalEvent, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<RunLogRead> ReadAsync(RunLogKey key, long afterId, int maxEntries, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<bool> WaitAsync(RunLogKey key, long afterId, TimeSpan timeout, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<RunLogStart?> GetLatestRunAsync(ThreadKey thread, CancellationToken cancellationToken = default) => throw Down();
    }
}
