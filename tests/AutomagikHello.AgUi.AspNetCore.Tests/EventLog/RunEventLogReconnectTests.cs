using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests.EventLog;

/// <summary>
/// Reconnecting to logged runs on real Kestrel, for one <see cref="IRunEventLog"/>: subclass it with another log
/// factory (SQLite, Redis) to run every case against that log.
/// </summary>
public abstract class RunEventLogReconnectTests
{
    private const string Agent = "/agents/test";
    private const int Deltas = 40;

    /// <summary>A fresh, empty log for one test's host.</summary>
    protected abstract IRunEventLog CreateLog();

    private static string Events(string threadId, string runId) => $"{Agent}/threads/{threadId}/runs/{runId}/events";

    /// <summary>A deterministic agent: one message of <see cref="Deltas"/> deltas of varying text, then success.</summary>
    private static async ValueTask<AgentOutcome> Chatty(AgUiRun run, CancellationToken cancellationToken)
    {
        var message = await run.StartTextMessageAsync("a1");
        for (var i = 0; i < Deltas; i++)
        {
            await message.AppendAsync($"part {i} {new string('é', i % 7)}\n\"q\" ");
            if (i % 8 == 0)
            {
                await Task.Yield();
            }
        }

        await message.EndAsync();
        return AgentOutcome.Success();
    }

    private async Task<TestHost> StartAsync(
        Func<AgUiRun, CancellationToken, ValueTask<AgentOutcome>> agent,
        Action<AgUiEventLogOptions>? logOptions = null,
        IRunEventLog? log = null,
        bool logged = true)
    {
        var eventLog = log ?? CreateLog();
        return await TestHost.StartAsync(
            app =>
            {
                var endpoints = app.MapAgUi(Agent, agent);
                if (logged)
                {
                    endpoints.WithEventLog(logOptions);
                }
            },
            options =>
            {
                options.OwnerResolver = context => context.Request.Headers["X-Owner"].FirstOrDefault();

                // Frequent heartbeats: a dropped client is noticed at the next one, and streams carry some to ignore.
                options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
            },
            services => services.AddSingleton(eventLog));
    }

    private static HttpRequestMessage Post(string threadId, string runId, string owner = "alice")
    {
        var request = Sse.RunRequest(Agent, RunInputs.Json(threadId, runId));
        request.Headers.Add("X-Owner", owner);
        return request;
    }

    private static HttpRequestMessage Get(string path, string? lastEventId = null, string owner = "alice")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Owner", owner);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return request;
    }

    private static async Task<byte[]> RunToEndAsync(HttpClient client, string threadId, string runId)
    {
        using var response = await client.SendAsync(Post(threadId, runId), HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<byte[]> ReconnectAsync(HttpClient client, string threadId, string runId, long? lastEventId)
    {
        using var response = await client.SendAsync(Get(Events(threadId, runId), lastEventId?.ToString(System.Globalization.CultureInfo.InvariantCulture)), HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await ProblemText(response));
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Run r1 as another instance begins it at <paramref name="began"/> (a 15 s lease): its log holds RUN_STARTED.</summary>
    private static async Task<RunLogKey> BeginElsewhereAsync(IThreadStore store, IRunEventLog log, ThreadKey thread, string instanceId, DateTimeOffset began)
    {
        (await store.BeginRunAsync(new BeginRunRequest { Key = thread, RunId = "r1", InstanceId = instanceId, LeaseDuration = TimeSpan.FromSeconds(15), Now = began })).Error.Should().BeNull();
        var key = new RunLogKey(thread, "r1");
        await log.CreateAsync(new RunLogStart { Key = key, StartedAt = began, Conversation = "{\"messages\":[],\"state\":null}"u8.ToArray() });
        await log.AppendAsync(key, [new RunLogEntry(1, "{\"type\":\"RUN_STARTED\",\"threadId\":\"t1\",\"runId\":\"r1\"}"u8.ToArray(), false)]);
        return key;
    }

    private static async Task<string> ProblemText(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.OK ? string.Empty : await response.Content.ReadAsStringAsync();

    private static JsonObject Data(byte[] frame)
    {
        var text = Encoding.UTF8.GetString(frame);
        var data = text.Split('\n').Single(line => line.StartsWith("data: ", StringComparison.Ordinal));
        return JsonNode.Parse(data[6..])!.AsObject();
    }

    [Fact]
    public async Task Every_event_carries_its_id_in_order_and_a_replay_from_the_start_is_the_same_bytes()
    {
        await using var host = await StartAsync(Chatty);
        var live = SseBytes.WithoutHeartbeats(await RunToEndAsync(host.Client, "t1", "r1"));

        var frames = SseBytes.Frames(live);
        frames.Select(SseBytes.IdOf).Should().Equal(Enumerable.Range(1, frames.Count).Select(i => (long?)i), "ids are 1, 2, 3, … with none missing");
        ((string?)Data(frames[0])["type"]).Should().Be("RUN_STARTED");
        ((string?)Data(frames[^1])["type"]).Should().Be("RUN_FINISHED");
        frames.Count.Should().Be(Deltas + 4);

        SseBytes.WithoutHeartbeats(await ReconnectAsync(host.Client, "t1", "r1", lastEventId: null)).Should().Equal(live);
        SseBytes.WithoutHeartbeats(await ReconnectAsync(host.Client, "t1", "r1", lastEventId: 0)).Should().Equal(live);
        (await ReconnectAsync(host.Client, "t1", "r1", lastEventId: frames.Count)).Should().BeEmpty("nothing follows the terminal event");
    }

    [Fact]
    public async Task Each_logged_entry_is_the_data_line_of_the_live_frame_with_its_id()
    {
        var log = CreateLog();
        await using var host = await StartAsync(Chatty, log: log);
        var frames = SseBytes.Frames(SseBytes.WithoutHeartbeats(await RunToEndAsync(host.Client, "t1", "r1")));

        var read = await log.ReadAsync(new RunLogKey(new ThreadKey(Agent, "alice", "t1"), "r1"), 0, 1_000);
        read.Entries.Select(e => e.Id).Should().Equal(frames.Select(f => SseBytes.IdOf(f)!.Value), "every frame sent is logged under its id");
        for (var i = 0; i < frames.Count; i++)
        {
            // "id: N\ndata: " + the event's JSON + "\n\n": the log keeps that JSON, not a serialization of its own.
            var frame = frames[i];
            var dataStart = Array.IndexOf(frame, (byte)'\n') + 1 + "data: ".Length;
            frame.AsSpan(dataStart, frame.Length - dataStart - 2).ToArray().Should().Equal(read.Entries[i].Event.ToArray(), $"entry {i + 1}");
        }

        read.Entries[^1].IsTerminal.Should().BeTrue();
    }

    [Fact]
    public async Task A_stream_cut_at_100_random_points_and_resumed_with_the_last_id_seen_is_the_uninterrupted_stream_byte_for_byte()
    {
        await using var host = await StartAsync(Chatty);
        var reference = SseBytes.WithoutHeartbeats(await RunToEndAsync(host.Client, "t-ref", "r-ref"));
        var random = new Random(13);
        for (var i = 0; i < 100; i++)
        {
            // Same length ids as the reference, so the bytes can be compared after renaming them.
            var threadId = $"t-{i:D3}";
            var runId = $"r-{i:D3}";
            var cut = random.Next(1, reference.Length);
            var prefix = await ReadThenDropAsync(host.Client, threadId, runId, cut);
            var (kept, lastId) = SseBytes.Received(prefix);

            var rest = SseBytes.WithoutHeartbeats(await ReconnectAsync(host.Client, threadId, runId, lastId));
            var whole = Encoding.UTF8.GetString([.. kept, .. rest]).Replace(threadId, "t-ref", StringComparison.Ordinal).Replace(runId, "r-ref", StringComparison.Ordinal);
            whole.Should().Be(Encoding.UTF8.GetString(reference), $"cut {i} at byte {cut} (last id {lastId})");
        }
    }

    /// <summary>Starts a run, reads <paramref name="bytes"/> of its stream, then drops the connection.</summary>
    private static async Task<byte[]> ReadThenDropAsync(HttpClient client, string threadId, string runId, int bytes)
    {
        var received = new byte[bytes];
        var total = 0;
        using (var response = await client.SendAsync(Post(threadId, runId), HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            while (total < bytes)
            {
                var read = await body.ReadAsync(received.AsMemory(total));
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }

        return received[..total];
    }

    [Fact]
    public async Task A_disconnected_run_keeps_running_and_a_reconnect_gets_the_rest_live()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agentCancelled = false;
        await using var host = await StartAsync(async (run, cancellationToken) =>
        {
            var message = await run.StartTextMessageAsync("a1");
            await message.AppendAsync("before ");
            await gate.Task.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
            agentCancelled = cancellationToken.IsCancellationRequested;
            await message.AppendAsync("after");
            await message.EndAsync();
            return AgentOutcome.Success();
        });

        long lastId;
        using (var response = await host.Client.SendAsync(Post("t1", "r1"), HttpCompletionOption.ResponseHeadersRead))
        {
            var events = await ReadFramesAsync(response, count: 3); // RUN_STARTED, TEXT_MESSAGE_START, CONTENT
            lastId = SseBytes.IdOf(events[^1])!.Value;
        }

        // The client is gone; two readers reconnect while the agent still waits, then it goes on.
        var readers = Enumerable.Range(0, 2).Select(_ => ReconnectAsync(host.Client, "t1", "r1", lastId)).ToArray();
        await WaitForLogAsync(host, "disconnected; the run goes on");
        gate.SetResult();
        var rests = await Task.WhenAll(readers);

        agentCancelled.Should().BeFalse("the run outlived its client");
        // Heartbeats come on each reader's own timer, so only the events are compared.
        SseBytes.WithoutHeartbeats(rests[1]).Should().Equal(SseBytes.WithoutHeartbeats(rests[0]), "every reader gets the same event bytes");
        var frames = SseBytes.Frames(SseBytes.WithoutHeartbeats(rests[0]));
        frames.Select(f => (string?)Data(f)["type"]).Should().Equal("TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");
        ((string?)Data(frames[0])["delta"]).Should().Be("after");
        SseBytes.IdOf(frames[0]).Should().Be(lastId + 1, "no gap, no duplicate");
    }

    [Fact]
    public async Task With_cancel_at_once_a_disconnect_stops_the_run_as_before_and_its_log_ends_abandoned()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StartAsync(
            async (run, cancellationToken) =>
            {
                await run.SendTextMessageAsync("hello");
                using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return AgentOutcome.Success();
            },
            options => options.KeepRunningAfterDisconnect = TimeSpan.Zero);

        using (var response = await host.Client.SendAsync(Post("t1", "r1"), HttpCompletionOption.ResponseHeadersRead))
        {
            await ReadFramesAsync(response, count: 4);
        }

        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var replay = SseBytes.Frames(SseBytes.WithoutHeartbeats(await ReconnectAsync(host.Client, "t1", "r1", 4)));
        var terminal = Data(replay.Single());
        ((string?)terminal["type"]).Should().Be("RUN_ERROR");
        ((string?)terminal["code"]).Should().Be(AgUiErrorCodes.RunAbandoned);
        await ThreadStatusShouldBeAsync(host, "idle");
    }

    [Fact]
    public async Task A_disconnected_run_past_its_keep_running_limit_is_stopped_and_its_thread_freed()
    {
        await using var host = await StartAsync(
            async (run, cancellationToken) =>
            {
                await run.SendTextMessageAsync("hello");
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return AgentOutcome.Success();
            },
            options => options.KeepRunningAfterDisconnect = TimeSpan.FromMilliseconds(300));

        using (var response = await host.Client.SendAsync(Post("t1", "r1"), HttpCompletionOption.ResponseHeadersRead))
        {
            await ReadFramesAsync(response, count: 4);
        }

        // The reconnect tails the run until the limit stops it.
        var frames = SseBytes.Frames(SseBytes.WithoutHeartbeats(await ReconnectAsync(host.Client, "t1", "r1", 4)));
        ((string?)Data(frames.Single())["code"]).Should().Be(AgUiErrorCodes.RunAbandoned);
        await ThreadStatusShouldBeAsync(host, "idle");
    }

    [Fact]
    public async Task Without_a_log_nothing_changes_no_ids_and_no_reconnect()
    {
        await using var host = await StartAsync(Chatty, logged: false);
        var body = await RunToEndAsync(host.Client, "t1", "r1");
        Encoding.UTF8.GetString(body).Should().NotContain("id: ").And.StartWith("data: ");
        using var response = await host.Client.SendAsync(Get(Events("t1", "r1")));
        await ShouldBeProblemAsync(response, HttpStatusCode.NotFound, AgUiErrorCodes.RunNotFound);
        var capabilities = await host.Client.GetFromJsonAsync<JsonObject>($"{Agent}/capabilities");
        ((bool?)capabilities!["transport"]!["resumable"]).Should().BeFalse();
    }

    [Fact]
    public async Task Capabilities_advertise_resumable_streams_when_the_log_is_on()
    {
        await using var host = await StartAsync(Chatty);
        var capabilities = await host.Client.GetFromJsonAsync<JsonObject>($"{Agent}/capabilities");
        ((bool?)capabilities!["transport"]!["resumable"]).Should().BeTrue();
    }

    [Theory]
    [InlineData("abc", null)]
    [InlineData("-1", null)]
    [InlineData("+1", null)]
    [InlineData("1.0", null)]
    [InlineData("", null)]
    [InlineData("1000000000000000000", null)]
    [InlineData("99999999999999999999999999", null)]
    [InlineData(null, "x")]
    [InlineData(null, "-5")]
    [InlineData(null, "18446744073709551616")]
    [InlineData("1", "2")]
    [InlineData(null, "45")]
    [InlineData("1000", null)]
    public async Task A_bad_last_event_id_is_a_400_problem_before_any_stream(string? header, string? after)
    {
        await using var host = await StartAsync(Chatty);
        await RunToEndAsync(host.Client, "t1", "r1"); // 44 events
        var path = Events("t1", "r1") + (after is null ? string.Empty : "?after=" + Uri.EscapeDataString(after));
        using var response = await host.Client.SendAsync(Get(path, header));
        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, AgUiErrorCodes.InvalidEventId);
    }

    [Fact]
    public async Task Two_after_values_are_a_400_and_agreeing_header_and_query_are_accepted()
    {
        await using var host = await StartAsync(Chatty);
        await RunToEndAsync(host.Client, "t1", "r1");
        using (var twice = await host.Client.SendAsync(Get(Events("t1", "r1") + "?after=1&after=1")))
        {
            await ShouldBeProblemAsync(twice, HttpStatusCode.BadRequest, AgUiErrorCodes.InvalidEventId);
        }

        using var agreeing = await host.Client.SendAsync(Get(Events("t1", "r1") + "?after=43", "43"));
        agreeing.StatusCode.Should().Be(HttpStatusCode.OK);
        SseBytes.Frames(SseBytes.WithoutHeartbeats(await agreeing.Content.ReadAsByteArrayAsync())).Select(SseBytes.IdOf).Should().Equal(44L);
    }

    [Fact]
    public async Task An_unknown_run_or_another_owners_run_is_404()
    {
        await using var host = await StartAsync(Chatty);
        await RunToEndAsync(host.Client, "t1", "r1");
        using (var unknown = await host.Client.SendAsync(Get(Events("t1", "nope"))))
        {
            await ShouldBeProblemAsync(unknown, HttpStatusCode.NotFound, AgUiErrorCodes.RunNotFound);
        }

        using var other = await host.Client.SendAsync(Get(Events("t1", "r1"), owner: "mallory"));
        await ShouldBeProblemAsync(other, HttpStatusCode.NotFound, AgUiErrorCodes.RunNotFound);
    }

    [Fact]
    public async Task A_run_dropped_by_retention_is_410()
    {
        await using var host = await StartAsync(Chatty, log: new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxRuns = 1 }));
        await RunToEndAsync(host.Client, "t1", "r1");
        await RunToEndAsync(host.Client, "t2", "r2");
        using var response = await host.Client.SendAsync(Get(Events("t1", "r1")));
        await ShouldBeProblemAsync(response, HttpStatusCode.Gone, AgUiErrorCodes.RunExpired);
    }

    [Fact]
    public async Task A_run_whose_first_write_is_past_the_logs_bounds_is_410_and_the_thread_reloads_as_404_not_as_its_older_run()
    {
        await using var host = await StartAsync(Chatty, log: new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxBytesPerRun = 16 * 1024 }));
        await RunToEndAsync(host.Client, "t1", "r1");

        // r2's conversation alone (its user message) is past the log's bound for one run.
        using var request = Sse.RunRequest(Agent, RunInputs.Json("t1", "r2", text: new string('w', 20_000)));
        request.Headers.Add("X-Owner", "alice");
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var live = SseBytes.Frames(SseBytes.WithoutHeartbeats(await response.Content.ReadAsByteArrayAsync()));
        ((string?)Data(live[^1])["type"]).Should().Be("RUN_FINISHED", "the live client still gets the whole run");

        using (var reconnect = await host.Client.SendAsync(Get(Events("t1", "r2"))))
        {
            await ShouldBeProblemAsync(reconnect, HttpStatusCode.Gone, AgUiErrorCodes.RunExpired);
        }

        using var reload = new HttpRequestMessage(HttpMethod.Get, $"{Agent}/threads/t1/messages");
        reload.Headers.Add("X-Owner", "alice");
        using var reloaded = await host.Client.SendAsync(reload);
        await ShouldBeProblemAsync(reloaded, HttpStatusCode.NotFound, AgUiErrorCodes.RunNotFound);

        // The negative case: a later run that fits is the thread's latest again.
        await RunToEndAsync(host.Client, "t1", "r3");
        using var again = new HttpRequestMessage(HttpMethod.Get, $"{Agent}/threads/t1/messages");
        again.Headers.Add("X-Owner", "alice");
        using var found = await host.Client.SendAsync(again);
        found.StatusCode.Should().Be(HttpStatusCode.OK);
        ((string?)(await found.Content.ReadFromJsonAsync<JsonObject>())!["runId"]).Should().Be("r3");
    }

    [Fact]
    public async Task A_run_of_the_JSON_resume_endpoint_is_logged_and_is_what_a_reload_returns_and_a_refused_one_is_not()
    {
        await using var host = await StartAsync(async (run, cancellationToken) =>
        {
            var resumed = run.Input.Resume is { Count: > 0 };
            var message = await run.StartTextMessageAsync(resumed ? "a2" : "a1");
            await message.AppendAsync(resumed ? "Sent." : "Send it?");
            await message.EndAsync();
            return resumed ? AgentOutcome.Success() : AgentOutcome.Interrupt(new Interrupt { Id = "i1", Reason = "confirm", Message = "Send it?" });
        });
        await RunToEndAsync(host.Client, "t1", "r1");

        using (var resumed = await host.Client.SendAsync(JsonResume("r2")))
        {
            resumed.StatusCode.Should().Be(HttpStatusCode.OK, await ProblemText(resumed));
            var summary = (await resumed.Content.ReadFromJsonAsync<JsonObject>())!;
            ((string?)summary["outcome"]).Should().Be("success");
        }

        var reload = await ReloadAsync(host.Client);
        ((string?)reload["runId"]).Should().Be("r2");
        ((bool?)reload["running"]).Should().BeFalse();
        var messages = reload["messages"]!["messages"]!.AsArray();
        ((string?)messages[^1]!["id"]).Should().Be("a2");
        ((string?)messages[^1]!["content"]).Should().Be("Sent.");
        ((string?)reload["thread"]!["status"]).Should().Be("idle");

        var replay = SseBytes.Frames(SseBytes.WithoutHeartbeats(await ReconnectAsync(host.Client, "t1", "r2", lastEventId: null)));
        replay.Select(frame => (string?)Data(frame)["type"]).Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");

        // The negative case: a resume the store refuses (its interrupt is already answered) never began, so it is not
        // logged and the thread's latest run is still r2.
        using (var refused = await host.Client.SendAsync(JsonResume("r3")))
        {
            refused.IsSuccessStatusCode.Should().BeFalse();
        }

        ((string?)(await ReloadAsync(host.Client))["runId"]).Should().Be("r2");
        using var none = await host.Client.SendAsync(Get(Events("t1", "r3")));
        await ShouldBeProblemAsync(none, HttpStatusCode.NotFound, AgUiErrorCodes.RunNotFound);

        static HttpRequestMessage JsonResume(string runId)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"{Agent}/threads/t1/resume")
            {
                Content = new StringContent(
                    $$$"""{"runId":"{{{runId}}}","messages":[{"id":"m1","role":"user","content":"hello"}],"resume":[{"interruptId":"i1","status":"resolved","payload":{"approved":true}}]}""",
                    Encoding.UTF8,
                    "application/json"),
            };
            request.Headers.Add("X-Owner", "alice");
            return request;
        }

        static async Task<JsonObject> ReloadAsync(HttpClient client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Agent}/threads/t1/messages");
            request.Headers.Add("X-Owner", "alice");
            using var response = await client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.OK, await ProblemText(response));
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        }
    }

    [Fact]
    public async Task A_run_of_the_JSON_resume_endpoint_is_logged_as_it_goes_not_only_at_its_end()
    {
        var log = CreateLog();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StartAsync(async (run, cancellationToken) =>
        {
            if (run.Input.Resume is not { Count: > 0 })
            {
                return AgentOutcome.Interrupt(new Interrupt { Id = "i1", Reason = "confirm", Message = "Go?" });
            }

            var message = await run.StartTextMessageAsync("a2");
            await message.AppendAsync("working");
            await gate.Task.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
            await message.EndAsync();
            return AgentOutcome.Success();
        }, log: log);
        await RunToEndAsync(host.Client, "t1", "r1");

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Agent}/threads/t1/resume")
        {
            Content = new StringContent(
                """{"runId":"r2","messages":[],"resume":[{"interruptId":"i1","status":"resolved","payload":{"approved":true}}]}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("X-Owner", "alice");
        var resuming = host.Client.SendAsync(request);

        // While the agent waits, what it sent so far (RUN_STARTED, TEXT_MESSAGE_START, TEXT_MESSAGE_CONTENT) is in the log.
        var key = new RunLogKey(new ThreadKey(Agent, "alice", "t1"), "r2");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        long logged = 0;
        while (logged < 3 && DateTime.UtcNow < deadline)
        {
            logged = (await log.ReadAsync(key, 0, 10)).LastId;
            await Task.Delay(20);
        }

        gate.SetResult();
        using var resumed = await resuming;
        resumed.StatusCode.Should().Be(HttpStatusCode.OK);
        logged.Should().Be(3, "each batch is logged when it is flushed, as for a streamed run");
        (await log.ReadAsync(key, 0, 10)).Status.Should().Be(RunLogStatus.Finished);
    }

    [Fact]
    public async Task A_reader_finishes_the_log_of_a_run_whose_instance_died_with_a_coded_run_error_promptly()
    {
        var log = CreateLog();
        await using var host = await StartAsync(Chatty, log: log);
        var store = host.Services.GetRequiredService<IThreadStore>();
        var thread = new ThreadKey(Agent, "alice", "t1");
        var longAgo = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1);

        // A run another instance began a minute ago and never renewed: its lease lapsed, its log stopped mid-way.
        var key = await BeginElsewhereAsync(store, log, thread, "dead", longAgo);

        var started = DateTimeOffset.UtcNow;
        var frames = SseBytes.Frames(SseBytes.WithoutHeartbeats(await ReconnectAsync(host.Client, "t1", "r1", lastEventId: null)));

        (DateTimeOffset.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(10), "the reader does not hang on a dead writer");
        frames.Select(SseBytes.IdOf).Should().Equal(1L, 2L);
        ((string?)Data(frames[1])["type"]).Should().Be("RUN_ERROR");
        ((string?)Data(frames[1])["code"]).Should().Be(AgUiErrorCodes.RunWriterGone);
        (await log.ReadAsync(key, 0, 10)).Status.Should().Be(RunLogStatus.Finished);

        // The thread is free again, as after any dead instance: a new run begins.
        var next = SseBytes.Frames(SseBytes.WithoutHeartbeats(await RunToEndAsync(host.Client, "t1", "r2")));
        ((string?)Data(next[^1])["type"]).Should().Be("RUN_FINISHED");
    }

    [Fact]
    public async Task A_reader_that_finds_a_dead_instances_lease_not_yet_lapsed_frees_the_thread_with_its_run_writer_gone()
    {
        var log = CreateLog();
        await using var host = await StartAsync(Chatty, log: log);
        var store = host.Services.GetRequiredService<IThreadStore>();
        var thread = new ThreadKey(Agent, "alice", "t1");
        var began = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(8);

        // Another instance began the run 8 s ago and died: its renewal (due after 5 s) is overdue, its 15 s lease has not lapsed.
        await BeginElsewhereAsync(store, log, thread, "dead", began);

        var frames = SseBytes.Frames(SseBytes.WithoutHeartbeats(await ReconnectAsync(host.Client, "t1", "r1", lastEventId: null)));
        ((string?)Data(frames[^1])["code"]).Should().Be(AgUiErrorCodes.RunWriterGone);

        // RUN_WRITER_GONE tells the client the thread is free again: a new run begins now, not when the dead lease lapses.
        (await store.GetAsync(thread))!.Lease!.ExpiresAt.Should().BeOnOrBefore(DateTimeOffset.UtcNow, "the reader ended the dead instance's lease, as a cancel does");
        var next = SseBytes.Frames(SseBytes.WithoutHeartbeats(await RunToEndAsync(host.Client, "t1", "r2")));
        ((string?)Data(next[^1])["type"]).Should().Be("RUN_FINISHED", Encoding.UTF8.GetString(next[^1]));
    }

    [Fact]
    public async Task A_reader_leaves_the_lease_of_a_run_whose_instance_renews_it_alone()
    {
        var log = CreateLog();
        await using var host = await StartAsync(Chatty, log: log);
        var store = host.Services.GetRequiredService<IThreadStore>();
        var thread = new ThreadKey(Agent, "alice", "t1");

        // Another instance began the run just now: its renewal is not due, so its silence proves nothing.
        var key = await BeginElsewhereAsync(store, log, thread, "elsewhere", DateTimeOffset.UtcNow);

        // A reader waits through a few writer checks (one a second), then leaves.
        using (var leave = new CancellationTokenSource(TimeSpan.FromSeconds(2.5)))
        {
            var reading = async () =>
            {
                using var response = await host.Client.SendAsync(Get(Events("t1", "r1")), HttpCompletionOption.ResponseHeadersRead, leave.Token);
                await response.Content.ReadAsByteArrayAsync(leave.Token);
            };
            await reading.Should().ThrowAsync<OperationCanceledException>();
        }

        (await store.GetAsync(thread))!.Lease!.RunId.Should().Be("r1", "a live instance's run keeps the thread");
        (await log.ReadAsync(key, 0, 10)).Status.Should().Be(RunLogStatus.Open);
    }

    [Fact]
    public async Task A_log_that_fails_leaves_the_live_stream_whole_and_a_reconnect_gets_a_coded_run_error()
    {
        // Room for the first flush only: the log fails part-way through the run.
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxEntriesPerRun = 3 });
        await using var host = await StartAsync(Chatty, log: log);
        var live = SseBytes.Frames(SseBytes.WithoutHeartbeats(await RunToEndAsync(host.Client, "t1", "r1")));
        ((string?)Data(live[^1])["type"]).Should().Be("RUN_FINISHED", "the live client still gets the whole run");
        live.Count.Should().Be(Deltas + 4);

        var replay = SseBytes.Frames(SseBytes.WithoutHeartbeats(await ReconnectAsync(host.Client, "t1", "r1", lastEventId: null)));
        ((string?)Data(replay[^1])["code"]).Should().Be(AgUiErrorCodes.EventLogFailed);
        replay.Count.Should().BeLessThanOrEqualTo(4);
    }

    [Fact]
    public async Task Reloading_a_thread_returns_its_latest_runs_messages_state_and_pending_interrupts()
    {
        await using var host = await StartAsync(async (run, cancellationToken) =>
        {
            var message = await run.StartTextMessageAsync("a1");
            await message.AppendAsync("Sending ");
            await message.AppendAsync("now.");
            await message.EndAsync();
            await run.SendToolCallAsync("send_email", "{\"to\":\"bob\"}", "c1", parentMessageId: "a1");
            await run.SendStateSnapshotAsync(System.Text.Json.JsonDocument.Parse("{\"step\":2}").RootElement);
            return AgentOutcome.Interrupt(new Interrupt { Id = "i1", Reason = "confirm", Message = "Send it?" });
        });
        await RunToEndAsync(host.Client, "t1", "r1");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Agent}/threads/t1/messages");
        request.Headers.Add("X-Owner", "alice");
        using var response = await host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var reload = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        ((string?)reload["runId"]).Should().Be("r1");
        ((bool?)reload["running"]).Should().BeFalse();
        ((string?)reload["messages"]!["type"]).Should().Be("MESSAGES_SNAPSHOT");
        var messages = reload["messages"]!["messages"]!.AsArray();
        messages.Select(m => (string?)m!["id"]).Should().Equal("m1", "a1");
        ((string?)messages[1]!["content"]).Should().Be("Sending now.");
        ((string?)messages[1]!["toolCalls"]![0]!["function"]!["arguments"]).Should().Be("{\"to\":\"bob\"}");
        ((string?)reload["state"]!["type"]).Should().Be("STATE_SNAPSHOT");
        ((int?)reload["state"]!["snapshot"]!["step"]).Should().Be(2);
        ((string?)reload["thread"]!["status"]).Should().Be("interrupted");
        ((string?)reload["thread"]!["pendingInterrupts"]!.AsArray().Single()!["interrupt"]!["id"]).Should().Be("i1");

        using var other = new HttpRequestMessage(HttpMethod.Get, $"{Agent}/threads/t1/messages");
        other.Headers.Add("X-Owner", "mallory");
        using var notFound = await host.Client.SendAsync(other);
        await ShouldBeProblemAsync(notFound, HttpStatusCode.NotFound, AgUiErrorCodes.RunNotFound);
    }

    [Fact]
    public async Task A_run_the_store_refused_is_not_logged_and_does_not_replace_the_latest_run()
    {
        await using var host = await StartAsync(Chatty);
        await RunToEndAsync(host.Client, "t1", "r1");

        // A resume naming an interrupt the thread never raised: refused before the run begins, one RUN_ERROR.
        using var refusal = Sse.RunRequest(Agent, RunInputs.Json("t1", "r2", amend: input =>
            input["resume"] = new JsonArray(new JsonObject { ["interruptId"] = "nope", ["status"] = "resolved" })));
        refusal.Headers.Add("X-Owner", "alice");
        using (var refused = await host.Client.SendAsync(refusal))
        {
            var frames = SseBytes.Frames(SseBytes.WithoutHeartbeats(await refused.Content.ReadAsByteArrayAsync()));
            ((string?)Data(frames.Single())["type"]).Should().Be("RUN_ERROR");
        }

        using (var events = await host.Client.SendAsync(Get(Events("t1", "r2"))))
        {
            await ShouldBeProblemAsync(events, HttpStatusCode.NotFound, AgUiErrorCodes.RunNotFound);
        }

        using var reload = new HttpRequestMessage(HttpMethod.Get, $"{Agent}/threads/t1/messages");
        reload.Headers.Add("X-Owner", "alice");
        using var response = await host.Client.SendAsync(reload);
        ((string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["runId"]).Should().Be("r1");
    }

    private static async Task<List<byte[]>> ReadFramesAsync(HttpResponseMessage response, int count)
    {
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        while (true)
        {
            var frames = SseBytes.Frames(SseBytes.WithoutHeartbeats([.. buffer]));
            if (frames.Count >= count)
            {
                return frames.Take(count).ToList();
            }

            var read = await body.ReadAsync(chunk);
            read.Should().BePositive("the stream must hold {0} frames", count);
            buffer.AddRange(chunk.AsSpan(0, read));
        }
    }

    private static async Task WaitForLogAsync(TestHost host, string text)
    {
        for (var i = 0; i < 400 && !host.Logs.Entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal)); i++)
        {
            await Task.Delay(25);
        }

        host.Logs.Entries.Should().Contain(e => e.Message.Contains(text, StringComparison.Ordinal));
    }

    private static async Task ThreadStatusShouldBeAsync(TestHost host, string status)
    {
        string? seen = null;
        for (var i = 0; i < 200 && seen != status; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Agent}/threads/t1");
            request.Headers.Add("X-Owner", "alice");
            using var response = await host.Client.SendAsync(request);
            seen = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["status"];
            if (seen != status)
            {
                await Task.Delay(25);
            }
        }

        seen.Should().Be(status);
    }

    private static async Task ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        response.StatusCode.Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        ((string?)problem!["code"]).Should().Be(code);
        ((int?)problem["status"]).Should().Be((int)status);
    }
}

/// <summary>The reconnect cases against the in-memory log.</summary>
public sealed class InMemoryRunEventLogReconnectTests : RunEventLogReconnectTests
{
    protected override IRunEventLog CreateLog() => new InMemoryRunEventLog();
}
