using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.ResponseCompression;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

public sealed class StreamingTests
{
    private const string Path = "/agents/test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>An agent that sends one message, then waits for the test to release it before sending a second.</summary>
    private static Func<AgUiRun, CancellationToken, ValueTask<AgentOutcome>> GatedAgent(TaskCompletionSource release) => async (run, cancellationToken) =>
    {
        await run.SendTextMessageAsync("first");
        await release.Task.WaitAsync(cancellationToken);
        await run.SendTextMessageAsync("second");
        return AgentOutcome.Success();
    };

    [Fact]
    public async Task Run_SlowAgent_EachEventReachesTheClientBeforeTheAgentContinues()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(GatedAgent(release));

        var types = await ReadUntilReleasedAsync(host.Client, release, acceptEncoding: null);

        types.Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END",
            "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");
    }

    [Fact]
    public async Task Run_WithResponseCompressionOn_StillStreamsEventsUncompressedAsTheyHappen()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(
            app => app.MapAgUi(Path, GatedAgent(release)),
            services: services => services.AddResponseCompression(options =>
            {
                options.EnableForHttps = true;
                options.MimeTypes = ResponseCompressionDefaults.MimeTypes.Append("text/event-stream");
                options.Providers.Add<GzipCompressionProvider>();
                options.Providers.Add<BrotliCompressionProvider>();
            }),
            middleware: app => app.UseResponseCompression());

        var types = await ReadUntilReleasedAsync(host.Client, release, acceptEncoding: "gzip, br");

        types.Should().HaveCount(8).And.EndWith("RUN_FINISHED");
    }

    [Fact]
    public async Task ResponseCompression_OnAnOrdinaryEndpoint_DoesCompress()
    {
        // The negative case: the same compression set-up compresses a plain response, so the stream test above is meaningful.
        await using var host = await TestHost.StartAsync(
            app => app.MapGet("/plain", () => Microsoft.AspNetCore.Http.Results.Text(new string('x', 4096), "text/plain")),
            services: services => services.AddResponseCompression(options =>
            {
                options.EnableForHttps = true;
                options.Providers.Add<GzipCompressionProvider>();
            }),
            middleware: app => app.UseResponseCompression());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/plain");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await host.Client.SendAsync(request);

        response.Content.Headers.ContentEncoding.Should().Equal("gzip");
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        (await new StreamReader(gzip).ReadToEndAsync()).Should().HaveLength(4096);
    }

    /// <summary>
    /// Reads the stream; the first message must arrive while the agent is still held, then the agent is released.
    /// </summary>
    private static async Task<List<string>> ReadUntilReleasedAsync(HttpClient client, TaskCompletionSource release, string? acceptEncoding)
    {
        using var request = Sse.RunRequest(Path, RunInputs.Json());
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        using var cancellation = new CancellationTokenSource(Patience);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation.Token);
        response.Content.Headers.ContentEncoding.Should().NotContain(e => e == "gzip" || e == "br", "an event stream is never compressed");
        var types = new List<string>();
        await foreach (var e in Sse.Parse(await response.Content.ReadAsStreamAsync(cancellation.Token), cancellation.Token))
        {
            types.Add((string)e["type"]!);
            if (types.Count == 4)
            {
                release.Task.IsCompleted.Should().BeFalse("the first message arrived while the agent was still waiting");
                release.SetResult();
            }
        }

        return types;
    }

    /// <summary>A host whose agent is silent for 700 ms, with a 150 ms heartbeat.</summary>
    private static Task<TestHost> StartSilentAgentAsync() => TestHost.StartAsync(
        async (run, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(700), cancellationToken);
            return AgentOutcome.Success();
        },
        options => options.HeartbeatInterval = TimeSpan.FromMilliseconds(150));

    [Fact]
    public async Task Run_IdleGapLongerThanTheHeartbeat_WritesPingComments()
    {
        await using var host = await StartSilentAgentAsync();
        using var request = Sse.RunRequest(Path, RunInputs.Json());

        using var response = await host.Client.SendAsync(request);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());

        CountPings(text).Should().BeInRange(2, 5, "a 700 ms silence with a 150 ms heartbeat gets a ping per idle interval");
        var frames = text[..^2].Split("\n\n");
        frames.Should().OnlyContain(f => f == ": ping" || f.StartsWith("data: "));
        (await Sse.ReadAllAsync(new HttpResponseMessage { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(text)) }))
            .Types().Should().Equal("RUN_STARTED", "RUN_FINISHED");
    }

    [Fact]
    public async Task Run_SeveralIdleStreamsAtOnce_EachGetsItsPings()
    {
        await using var host = await StartSilentAgentAsync();

        var texts = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            using var request = Sse.RunRequest(Path, RunInputs.Json(RunInputs.NewThreadId(), "r1"));
            using var response = await host.Client.SendAsync(request);
            return Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        }));

        texts.Should().AllSatisfy(text => CountPings(text).Should().BeInRange(2, 5, "the shared tick pings every silent stream, not only one"));
    }

    [Fact]
    public async Task Run_NoIdleGap_WritesNoPing()
    {
        await using var host = await TestHost.StartAsync(
            async (run, _) =>
            {
                for (var i = 0; i < 20; i++)
                {
                    await run.SendTextMessageAsync("busy " + i);
                }

                return AgentOutcome.Success();
            },
            options => options.HeartbeatInterval = TimeSpan.FromSeconds(5));
        using var request = Sse.RunRequest(Path, RunInputs.Json());

        using var response = await host.Client.SendAsync(request);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());

        CountPings(text).Should().Be(0);
    }

    private static int CountPings(string text)
    {
        var count = 0;
        for (var at = text.IndexOf(": ping\n\n", StringComparison.Ordinal); at >= 0; at = text.IndexOf(": ping\n\n", at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
