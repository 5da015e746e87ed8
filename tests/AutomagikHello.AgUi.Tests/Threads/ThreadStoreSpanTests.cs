using System.Diagnostics;
using AutomagikHello.AgUi.Threads;
using static AutomagikHello.AgUi.Tests.Threads.StoreRequests;

namespace AutomagikHello.AgUi.Tests.Threads;

/// <summary>The store spans every <see cref="CompareAndSwapThreadStore"/> records: begin, complete, decide; none for a lease.</summary>
public sealed class ThreadStoreSpanTests : IDisposable
{
    private const string TestSourceName = "AutomagikHello.AgUi.Tests.StoreSpans";

    private static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly List<Activity> _spans = [];
    private readonly ActivityListener _listener;
    private ActivityTraceId _traceId;
    private readonly ThreadKey _key = new("approval", "alice", "span-thread");

    public ThreadStoreSpanTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name is CompareAndSwapThreadStore.ActivitySourceName or TestSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                // Other tests' stores run at the same time: keep only this test's spans (children of its parent).
                if (activity.Source.Name == CompareAndSwapThreadStore.ActivitySourceName && activity.TraceId == _traceId)
                {
                    lock (_spans)
                    {
                        _spans.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private Activity StartTest()
    {
        var parent = TestSource.StartActivity("test")!;
        _traceId = parent.TraceId;
        return parent;
    }

    [Fact]
    public async Task BeginCompleteAndDecide_EachRecordOneSpanWithTheStoreAndAttempts()
    {
        using var parent = StartTest();
        var store = new InMemoryThreadStore();

        await Interrupt(store, _key, "r1", "i1");
        await store.RecordDecisionAsync(new RecordDecisionRequest { Key = _key, Entry = Resolved("i1"), Now = T0 });

        _spans.Select(s => s.OperationName).Should().Equal("agui.store.begin", "agui.store.complete", "agui.store.decide");
        _spans.Should().OnlyContain(s => (string?)s.GetTagItem("agui.store") == "in-memory" && (int?)s.GetTagItem("agui.store.attempts") == 1);
        _spans.Should().OnlyContain(s => s.GetTagItem("agui.store.error") == null && s.Status == ActivityStatusCode.Unset);
    }

    [Fact]
    public async Task RefusedBegin_TagsTheErrorCode_AndLeaseRenewalRecordsNoSpan()
    {
        using var parent = StartTest();
        var store = new InMemoryThreadStore();
        await store.BeginRunAsync(Begin(_key, "r1"));
        await store.UpdateLeaseAsync(new UpdateLeaseRequest { Key = _key, RunId = "r1", Update = LeaseUpdate.Renew, Duration = Lease, Now = T0 });

        var busy = await store.BeginRunAsync(Begin(_key, "r2"));

        busy.Error!.Code.Should().Be(ThreadErrorCodes.ThreadBusy);
        _spans.Select(s => s.OperationName).Should().Equal("agui.store.begin", "agui.store.begin");
        _spans[1].GetTagItem("agui.store.error").Should().Be(ThreadErrorCodes.ThreadBusy);
    }
}
