using AutomagikHello.AgUi.Sequencing;
using static AutomagikHello.AgUi.Tests.Sequencing.Ev;

namespace AutomagikHello.AgUi.Tests.Sequencing;

/// <summary>Rules 31 to 33: state and activity snapshots and deltas.</summary>
public sealed class SnapshotDeltaRuleTests
{
    private static EventSequenceGuard WithState(string? state) =>
        EventSequenceGuard.For(new RunAgentInput { ThreadId = "t1", RunId = "r1", Messages = [], State = state is null ? null : Ev.Json(state) });

    // Rule 31
    [Fact]
    public void Check_ActivityDeltaAfterSnapshot_Passes() =>
        GuardAssert.Legal(
            RunStarted(), ActivitySnapshot("a1", "{\"steps\":[]}"), ActivityDelta("a1", "[{\"op\":\"add\",\"path\":\"/steps/-\",\"value\":\"search\"}]"),
            ActivityDelta("a1", "[{\"op\":\"test\",\"path\":\"/steps/0\",\"value\":\"search\"}]"), RunFinished());

    [Fact]
    public void Check_ActivityDeltaForActivityOfEarlierRun_Passes() =>
        GuardAssert.Legal(
            RunStarted("r0"), ActivitySnapshot("a1"), RunFinished("r0"),
            RunStarted("r1"), ActivityDelta("a1", "[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"done\"}]"), RunFinished("r1"));

    [Fact]
    public void Check_ActivityDeltaForActivityRestatedInMessagesSnapshot_Passes() =>
        GuardAssert.Legal(
            RunStarted(),
            MessagesSnapshot(new ActivityMessage { Id = "a1", ActivityType = "progress", Content = Ev.Json("{\"n\":1}") }),
            ActivityDelta("a1", "[{\"op\":\"replace\",\"path\":\"/n\",\"value\":2}]"),
            RunFinished());

    [Fact]
    public void Check_ActivityDeltaBeforeSnapshot_ReportsRule31() =>
        GuardAssert.Violates(31, RunStarted(), ActivityDelta("a1", "[]"));

    // Rule 32
    [Fact]
    public void Check_StateDeltasAgainstInputStateAndSnapshots_Passes() =>
        GuardAssert.Legal(
            WithState("{\"count\":1,\"items\":[]}"),
            RunStarted(),
            StateDelta("[{\"op\":\"replace\",\"path\":\"/count\",\"value\":2},{\"op\":\"add\",\"path\":\"/items/-\",\"value\":\"a\"}]"),
            StateDelta("[{\"op\":\"test\",\"path\":\"/items\",\"value\":[\"a\"]}]"),
            StateSnapshot("{\"fresh\":{}}"),
            StateDelta("[{\"op\":\"add\",\"path\":\"/fresh/x\",\"value\":null},{\"op\":\"move\",\"from\":\"/fresh/x\",\"path\":\"/y\"}]"),
            RunFinished());

    [Fact]
    public void Check_StateDeltaAgainstAbsentInputStateTreatedAsEmptyObject_Passes() =>
        GuardAssert.Legal(WithState(null), RunStarted(), StateDelta("[{\"op\":\"add\",\"path\":\"/a\",\"value\":1}]"), RunFinished());

    [Fact]
    public void Check_StateCarriesAcrossRuns_Passes() =>
        GuardAssert.Legal(
            RunStarted("r0"), StateDelta("[{\"op\":\"add\",\"path\":\"/a\",\"value\":1}]"), RunFinished("r0"),
            RunStarted("r1"), StateDelta("[{\"op\":\"remove\",\"path\":\"/a\"}]"), RunFinished("r1"));

    [Fact]
    public void Check_StateDeltaRemovingMissingPath_ReportsRule32()
    {
        var violation = GuardAssert.Violates(WithState("{\"count\":1}"), 32, RunStarted(), StateDelta("[{\"op\":\"remove\",\"path\":\"/missing\"}]"));

        violation.Message.Should().Contain("/missing");
    }

    [Fact]
    public void Check_StateDeltaAgainstPathReplacedBySnapshot_ReportsRule32() =>
        GuardAssert.Violates(WithState("{\"count\":1}"), 32, RunStarted(), StateSnapshot("{\"other\":true}"), StateDelta("[{\"op\":\"replace\",\"path\":\"/count\",\"value\":2}]"));

    [Fact]
    public void Check_StateDeltaFailingTest_ReportsRule32() =>
        GuardAssert.Violates(WithState("{\"count\":1}"), 32, RunStarted(), StateDelta("[{\"op\":\"test\",\"path\":\"/count\",\"value\":2}]"));

    [Fact]
    public void Check_StateDeltaAfterNullSnapshot_ReportsRule32() =>
        GuardAssert.Violates(32, RunStarted(), StateSnapshot("null"), StateDelta("[{\"op\":\"add\",\"path\":\"/a\",\"value\":1}]"));

    [Fact]
    public void Check_StateDeltaAfterUndefinedSnapshot_ReportsRule32() =>
        GuardAssert.Violates(32, RunStarted(), new StateSnapshotEvent { Snapshot = default }, StateDelta("[{\"op\":\"add\",\"path\":\"/a\",\"value\":1}]"));

    [Fact]
    public void Check_StateDeltaThatIsNotAnArray_ReportsRule32() =>
        GuardAssert.Violates(32, RunStarted(), StateDelta("{\"op\":\"add\",\"path\":\"/a\",\"value\":1}"));

    [Fact]
    public void Check_RejectedStateDelta_LeavesStateUnchanged()
    {
        var guard = WithState("{\"count\":1}");
        GuardAssert.Violates(guard, 32, RunStarted(), StateDelta("[{\"op\":\"replace\",\"path\":\"/count\",\"value\":5},{\"op\":\"remove\",\"path\":\"/missing\"}]"));

        // The first operation of the rejected patch was undone: count is still 1.
        GuardAssert.Legal(guard, StateDelta("[{\"op\":\"test\",\"path\":\"/count\",\"value\":1}]"), RunFinished());
    }

    // Rule 33
    [Fact]
    public void Check_ActivityPatchKeepingObjectContent_Passes() =>
        GuardAssert.Legal(
            RunStarted(), ActivitySnapshot("a1"), ActivityDelta("a1", "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"status\":\"done\"}}]"), RunFinished());

    [Fact]
    public void Check_ActivityPatchMakingContentNonObject_ReportsRule33() =>
        GuardAssert.Violates(33, RunStarted(), ActivitySnapshot("a1"), ActivityDelta("a1", "[{\"op\":\"replace\",\"path\":\"\",\"value\":[1]}]"));

    [Fact]
    public void Check_ActivityPatchThatDoesNotApply_ReportsRule33() =>
        GuardAssert.Violates(33, RunStarted(), ActivitySnapshot("a1"), ActivityDelta("a1", "[{\"op\":\"remove\",\"path\":\"/nothing\"}]"));

    [Fact]
    public void Check_ActivitySnapshotWithNonObjectContent_ReportsRule33() =>
        GuardAssert.Violates(33, RunStarted(), ActivitySnapshot("a1", "\"text\""));

    [Fact]
    public void Check_ActivitySnapshotWithoutReplaceKeepsOldContent_Passes() =>
        GuardAssert.Legal(
            RunStarted(), ActivitySnapshot("a1", "{\"n\":1}"), ActivitySnapshot("a1", "{\"m\":1}", replace: false),
            ActivityDelta("a1", "[{\"op\":\"test\",\"path\":\"/n\",\"value\":1}]"), RunFinished());
}
