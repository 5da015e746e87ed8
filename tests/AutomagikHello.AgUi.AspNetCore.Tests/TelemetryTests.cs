using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

public sealed class TelemetryTests
{
    /// <summary>Records the measurements of the AG-UI meter of one host (other hosts in parallel tests are ignored).</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Measurements(IServiceProvider services)
        {
            var scope = services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AgUiTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        public ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> All { get; } = new();

        public IEnumerable<(double Value, Dictionary<string, object?> Tags)> Of(string instrument) =>
            All.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags));

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            All.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));

        public void Dispose() => _listener.Dispose();
    }

    private sealed class Spans : IDisposable
    {
        private readonly ActivityListener _listener;

        public Spans()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == AgUiTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity => Stopped.Enqueue(activity),
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public ConcurrentQueue<Activity> Stopped { get; } = new();

        public Activity Of(string threadId) => Stopped.Single(a => (string?)a.GetTagItem("agui.thread.id") == threadId);

        public void Dispose() => _listener.Dispose();
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        condition().Should().BeTrue("the telemetry is recorded when the run ends");
    }

    [Fact]
    public async Task Run_Success_RecordsASpanWithIdsAndOutcomeAndCountsIt()
    {
        using var spans = new Spans();
        await using var host = await TestHost.StartAsync(async (run, _) =>
        {
            await run.SendTextMessageAsync("hello");
            return AgentOutcome.Success();
        });
        using var measurements = new Measurements(host.Services);
        var thread = RunInputs.NewThreadId();

        await Sse.RunAsync(host.Client, "/agents/test", RunInputs.Json(thread, "run-9"));

        await WaitForAsync(() => spans.Stopped.Any(a => (string?)a.GetTagItem("agui.thread.id") == thread) && measurements.Of("agui.runs").Any());
        var span = spans.Of(thread);
        span.OperationName.Should().Be("agui.run");
        span.GetTagItem("agui.run.id").Should().Be("run-9");
        span.GetTagItem("agui.run.outcome").Should().Be("success");
        span.GetTagItem("error.type").Should().BeNull();
        span.Status.Should().NotBe(ActivityStatusCode.Error);
        span.GetTagItem("agui.endpoint").Should().Be("/agents/test/", "the route pattern, as ASP.NET Core's http.route names it");
        span.Events.Should().BeEmpty("nothing failed");

        measurements.Of("agui.runs").Should().ContainSingle().Which.Tags["agui.run.outcome"].Should().Be("success");
        measurements.Of("agui.run.duration").Should().ContainSingle().Which.Value.Should().BeGreaterThan(0);
        measurements.Of("agui.run.time_to_first_event").Should().ContainSingle().Which.Value.Should().BeGreaterThan(0);
        measurements.Of("agui.streams.open").Select(m => m.Value).Should().Equal(1, -1);
        measurements.Of("agui.run.errors").Should().BeEmpty();
        measurements.Of("agui.run.cancellations").Should().BeEmpty();
    }

    [Fact]
    public async Task Run_AgentThrows_SpanCarriesTheErrorCodeAndTheErrorIsCounted()
    {
        using var spans = new Spans();
        await using var host = await TestHost.StartAsync((_, _) => throw new InvalidOperationException("boom"));
        using var measurements = new Measurements(host.Services);
        var thread = RunInputs.NewThreadId();

        await Sse.RunAsync(host.Client, "/agents/test", RunInputs.Json(thread));

        await WaitForAsync(() => spans.Stopped.Any(a => (string?)a.GetTagItem("agui.thread.id") == thread) && measurements.Of("agui.run.errors").Any());
        var span = spans.Of(thread);
        span.GetTagItem("agui.run.outcome").Should().Be("error");
        span.GetTagItem("agui.error.code").Should().Be("AGENT_ERROR");
        span.Status.Should().Be(ActivityStatusCode.Error);
        var exception = span.Events.Should().ContainSingle().Subject;
        exception.Name.Should().Be("exception");
        var exceptionTags = exception.Tags.ToDictionary(t => t.Key, t => t.Value);
        exceptionTags["exception.type"].Should().Be(typeof(InvalidOperationException).FullName);
        exceptionTags["exception.message"].Should().Be("boom");
        ((string)exceptionTags["exception.stacktrace"]!).Should().Contain(nameof(InvalidOperationException));
        measurements.Of("agui.run.errors").Should().ContainSingle().Which.Tags["error.type"].Should().Be("AGENT_ERROR");
        measurements.Of("agui.runs").Should().ContainSingle().Which.Tags["agui.run.outcome"].Should().Be("error");
        measurements.Of("agui.run.time_to_first_event").Should().BeEmpty("the agent emitted nothing");
    }

    [Fact]
    public async Task Cancel_ActiveRun_IsCountedAsACancellationByRequest()
    {
        var talking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(async (run, cancellationToken) =>
        {
            talking.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return AgentOutcome.Success();
        });
        using var measurements = new Measurements(host.Services);
        var thread = RunInputs.NewThreadId();
        using var request = Sse.RunRequest("/agents/test", RunInputs.Json(thread));
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = Sse.ReadAllAsync(response);
        await talking.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using var cancel = await host.Client.PostAsync($"/agents/test/threads/{thread}/cancel", null);
        await events.WaitAsync(TimeSpan.FromSeconds(10));

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await WaitForAsync(() => measurements.Of("agui.runs").Any());
        measurements.Of("agui.run.cancellations").Should().ContainSingle().Which.Tags["agui.cancel.reason"].Should().Be("request");
        measurements.Of("agui.runs").Should().ContainSingle().Which.Tags["agui.run.outcome"].Should().Be("cancelled");
    }
}
