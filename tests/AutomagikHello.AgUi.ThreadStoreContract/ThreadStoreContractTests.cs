using System.Text.Json;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.Threads;

/// <summary>
/// The thread-store contract, run unchanged against every store: lease, validation codes, claims, replay, decisions,
/// ownership and races. A store's test class only says how to create the store.
/// </summary>
public abstract class ThreadStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private static readonly JsonElement ApprovalSchema = Json("""
        {"type":"object","properties":{"approved":{"type":"boolean"},"editedArgs":{"type":"object"}},"required":["approved"]}
        """);

    protected abstract IThreadStore CreateStore();

    /// <summary>
    /// Another instance over the same threads as <paramref name="store"/>, as a second process sees them (its own
    /// memory, the same file or server), so that each instance's remembered records go stale when the other writes.
    /// Default: the same instance (a store held in one process's memory has no second view).
    /// </summary>
    protected virtual IThreadStore CreateSecondInstance(IThreadStore store) => store;

    private readonly ThreadKey _key = new("approval", "alice", "thread-1");

    [Fact]
    public async Task BeginRun_NewThread_TakesLeaseAndCreatesRecord()
    {
        var store = CreateStore();

        var result = await store.BeginRunAsync(Begin("r1"));

        result.Succeeded.Should().BeTrue();
        result.Record!.Version.Should().Be(1);
        result.Record.StatusAt(T0).Should().Be(ThreadStatus.Running);
        result.Answers.Should().BeEmpty();
        (await store.GetAsync(_key))!.Lease!.RunId.Should().Be("r1");
    }

    [Fact]
    public async Task BeginRun_WhileLeaseLive_ReportsThreadBusy()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));

        var second = await store.BeginRunAsync(Begin("r2", now: T0 + Lease - TimeSpan.FromSeconds(1)));

        second.Error!.Code.Should().Be(ThreadErrorCodes.ThreadBusy);
        (await store.GetAsync(_key))!.Lease!.RunId.Should().Be("r1");
    }

    [Fact]
    public async Task BeginRun_AfterLeaseExpired_Succeeds()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));

        var second = await store.BeginRunAsync(Begin("r2", now: T0 + Lease));

        second.Succeeded.Should().BeTrue();
        second.Record!.Lease!.RunId.Should().Be("r2");
    }

    [Fact]
    public async Task CompleteRun_Interrupted_PersistsPendingInterrupts()
    {
        var store = CreateStore();

        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var record = (await store.GetAsync(_key))!;
        record.StatusAt(T0).Should().Be(ThreadStatus.Interrupted);
        record.Lease.Should().BeNull();
        record.Pending.Select(p => p.Interrupt.Id).Should().Equal("i1");
        record.Pending[0].RaisedByRunId.Should().Be("r1");
        record.Pending[0].ToolCallName.Should().Be("sendEmail");
    }

    [Fact]
    public async Task BeginRun_PendingWithoutResume_ReportsResumeRequired()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var result = await store.BeginRunAsync(Begin("r2"));

        result.Error!.Code.Should().Be(ThreadErrorCodes.ResumeRequired);
    }

    [Fact]
    public async Task BeginRun_CoveringResume_ClaimsAndJoinsAnswersWithRecordedToolCall()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var result = await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));

        result.Succeeded.Should().BeTrue(result.Error?.Message);
        var answer = result.Answers.Should().ContainSingle().Subject;
        answer.Interrupt.Id.Should().Be("i1");
        answer.ToolCallName.Should().Be("sendEmail");
        answer.ToolCallArguments.Should().Be("""{"to":"a@b.c"}""");
        answer.Entry.Payload!.Value.GetProperty("approved").GetBoolean().Should().BeTrue();
        result.Record!.Lease!.ClaimedInterruptIds.Should().Equal("i1");
    }

    [Fact]
    public async Task BeginRun_UnknownEntryStrict_ReportsUnknownInterrupt()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var result = await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}"""), Resolved("nope", "1")));

        result.Error!.Code.Should().Be(ThreadErrorCodes.UnknownInterrupt);
    }

    [Fact]
    public async Task BeginRun_UnknownEntryLenient_IgnoresItWithWarning()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var result = await store.BeginRunAsync(Begin("r2", ResumeValidationMode.Lenient, Resolved("i1", """{"approved":true}"""), Resolved("nope", "1")));

        result.Succeeded.Should().BeTrue();
        result.Answers.Select(a => a.Interrupt.Id).Should().Equal("i1");
        result.Warnings.Should().ContainSingle().Which.Should().Contain("nope");
    }

    [Fact]
    public async Task BeginRun_ResumeOnThreadWithNothingPending_ReportsUnknownInterrupt()
    {
        var store = CreateStore();

        var result = await store.BeginRunAsync(Begin("r1", Resolved("i1", "true")));

        result.Error!.Code.Should().Be(ThreadErrorCodes.UnknownInterrupt);
        (await store.GetAsync(_key)).Should().BeNull("a rejected begin writes nothing");
    }

    [Fact]
    public async Task BeginRun_OneOfTwoAnswered_ReportsPartialResume()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"), Approval("i2", "call-2"));

        var result = await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));

        result.Error!.Code.Should().Be(ThreadErrorCodes.PartialResume);
        result.Error.Message.Should().Contain("i2");
    }

    [Fact]
    public async Task BeginRun_AnsweredAndCancelled_CoversEverything()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"), Approval("i2", "call-2"));

        var result = await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}"""), Cancelled("i2")));

        result.Succeeded.Should().BeTrue(result.Error?.Message);
        result.Answers.Select(a => (a.Interrupt.Id, a.Entry.Status)).Should().Equal(("i1", ResumeStatus.Resolved), ("i2", ResumeStatus.Cancelled));
    }

    [Fact]
    public async Task BeginRun_TwoEntriesForOneInterrupt_ReportsDuplicate()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var result = await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}"""), Cancelled("i1")));

        result.Error!.Code.Should().Be(ThreadErrorCodes.DuplicateResumeEntry);
    }

    [Fact]
    public async Task BeginRun_ResolvedAfterExpiry_ReportsInterruptExpired()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Expiring("i1", T0.AddSeconds(5)));

        var result = await store.BeginRunAsync(Begin("r2", now: T0.AddSeconds(5), Resolved("i1", "true")));

        result.Error!.Code.Should().Be(ThreadErrorCodes.InterruptExpired);
    }

    [Fact]
    public async Task BeginRun_ResolvedBeforeExpiry_Succeeds()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Expiring("i1", T0.AddSeconds(5)));

        var result = await store.BeginRunAsync(Begin("r2", now: T0.AddSeconds(4), Resolved("i1", "true")));

        result.Succeeded.Should().BeTrue(result.Error?.Message);
    }

    [Fact]
    public async Task BeginRun_CancelledAfterExpiry_IsAccepted()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Expiring("i1", T0.AddSeconds(5)));

        var result = await store.BeginRunAsync(Begin("r2", now: T0.AddHours(1), Cancelled("i1")));

        result.Succeeded.Should().BeTrue(result.Error?.Message);
    }

    [Theory]
    [InlineData("""{"approved":"yes"}""", "/approved")]
    [InlineData("""{"editedArgs":{}}""", "")]
    [InlineData("""[1]""", "")]
    public async Task BeginRun_PayloadFailingSchema_ReportsInvalidPayloadNamingPath(string payload, string path)
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var result = await store.BeginRunAsync(Begin("r2", Resolved("i1", payload)));

        result.Error!.Code.Should().Be(ThreadErrorCodes.InvalidResumePayload);
        result.Error.Message.Should().Contain($"at '{path}'");
    }

    [Fact]
    public async Task BeginRun_ResolvedWithoutPayloadButSchema_ReportsInvalidPayload()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var result = await store.BeginRunAsync(Begin("r2", new ResumeEntry { InterruptId = "i1", Status = ResumeStatus.Resolved }));

        result.Error!.Code.Should().Be(ThreadErrorCodes.InvalidResumePayload);
    }

    [Fact]
    public async Task BeginRun_CancelledWithPayload_ReportsInvalidPayload()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var result = await store.BeginRunAsync(Begin("r2", new ResumeEntry { InterruptId = "i1", Status = ResumeStatus.Cancelled, Payload = Json("""{"approved":true}""") }));

        result.Error!.Code.Should().Be(ThreadErrorCodes.InvalidResumePayload);
    }

    [Fact]
    public async Task BeginRun_RejectedResume_ChangesNothingAndACorrectOneThenSucceeds()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        var before = (await store.GetAsync(_key))!;

        var rejected = await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":"maybe"}""")));
        var after = (await store.GetAsync(_key))!;
        var accepted = await store.BeginRunAsync(Begin("r3", Resolved("i1", """{"approved":false}""")));

        rejected.Succeeded.Should().BeFalse();
        after.Version.Should().Be(before.Version);
        after.Lease.Should().BeNull();
        accepted.Succeeded.Should().BeTrue(accepted.Error?.Message);
    }

    [Theory]
    [InlineData(RunCompletion.Succeeded)]
    [InlineData(RunCompletion.Cancelled)]
    public async Task CompleteRun_SucceededOrCancelled_ConsumesClaimSoReplayIsRefused(RunCompletion completion)
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));

        var completed = await store.CompleteRunAsync(Complete("r2", completion));
        var replay = await store.BeginRunAsync(Begin("r3", Resolved("i1", """{"approved":true}""")));

        completed.Succeeded.Should().BeTrue();
        completed.Record!.Pending.Should().BeEmpty();
        completed.Record.StatusAt(T0).Should().Be(ThreadStatus.Idle);
        replay.Error!.Code.Should().Be(ThreadErrorCodes.ResumeAlreadyApplied);
        replay.Error.Message.Should().Contain("r2");
    }

    [Fact]
    public async Task CompleteRun_Failed_PutsTheClaimInDoubt_SoTheSameAnswerIsRefusedUntilReapproved()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));

        var failed = await store.CompleteRunAsync(Complete("r2", RunCompletion.Failed));
        var retry = await store.BeginRunAsync(Begin("r3", Resolved("i1", """{"approved":true}""")));
        var reapproved = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}"""), T0, reapprove: true));
        var resumed = await store.BeginRunAsync(Begin("r4", Resolved("i1", """{"approved":true}""")));

        failed.Succeeded.Should().BeTrue(failed.Error?.Message);
        failed.Record!.Pending.Select(p => p.Interrupt.Id).Should().Equal("i1");
        failed.Record.Pending[0].InDoubtRunId.Should().Be("r2", "the agent ran with the answer and may have acted on it before failing");
        failed.Record.StatusAt(T0).Should().Be(ThreadStatus.Interrupted);
        failed.Record.Lease.Should().BeNull("the thread is free");
        retry.Error!.Code.Should().Be(ThreadErrorCodes.ResumeInDoubt, "the same approval is not applied again silently");
        reapproved.Succeeded.Should().BeTrue(reapproved.Error?.Message);
        resumed.Answers.Should().ContainSingle().Which.Should().Match<ResumeAnswer>(a => a.IsReapproval && a.InDoubtRunId == "r2");
    }

    [Fact]
    public async Task CompleteRun_Failed_ACancelledEntryAfterwards_IsAccepted()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));
        await store.CompleteRunAsync(Complete("r2", RunCompletion.Failed));

        var cancel = await store.BeginRunAsync(Begin("r3", Cancelled("i1")));

        cancel.Succeeded.Should().BeTrue(cancel.Error?.Message);
        cancel.Answers.Should().ContainSingle().Which.InDoubtRunId.Should().Be("r2");
    }

    [Fact]
    public async Task CompleteRun_Failed_ClaimingNothing_LeavesTheThreadFreeAndNothingInDoubt()
    {
        var store = CreateStore();
        (await store.BeginRunAsync(Begin("r1"))).Succeeded.Should().BeTrue("a new turn with nothing pending");

        var failed = await store.CompleteRunAsync(Complete("r1", RunCompletion.Failed));
        var next = await store.BeginRunAsync(Begin("r2"));

        failed.Record!.Pending.Should().BeEmpty();
        next.Succeeded.Should().BeTrue(next.Error?.Message);
    }

    [Fact]
    public async Task BeginRun_AfterClaimingRunsLeaseLapsed_ResolvingEntryIsRefusedInDoubtAndChangesNothing()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}"""))); // r2 dies: its end is never recorded
        var before = (await store.GetAsync(_key))!;

        var sameApproval = await store.BeginRunAsync(Begin("r3", now: T0 + Lease, Resolved("i1", """{"approved":true}""")));
        var newTurn = await store.BeginRunAsync(Begin("r4", now: T0 + Lease));
        var after = (await store.GetAsync(_key))!;

        sameApproval.Error!.Code.Should().Be(ThreadErrorCodes.ResumeInDoubt);
        sameApproval.Error.Message.Should().Contain("r2").And.Contain("reapprove");
        newTurn.Error!.Code.Should().Be(ThreadErrorCodes.ResumeInDoubt, "a turn without answers cannot pass an interrupt in doubt either");
        after.Version.Should().Be(before.Version, "a refused begin writes nothing");
        after.InDoubtRunIdAt(after.Pending[0], T0 + Lease).Should().Be("r2", "the view derives the doubt from the lapsed lease");
        after.InDoubtRunIdAt(after.Pending[0], T0 + Lease - TimeSpan.FromSeconds(1)).Should().BeNull("while the lease is live the run may still end");
    }

    [Fact]
    public async Task BeginRun_InDoubt_CancelIsAccepted_PersistsTheDoubt_AndTellsTheAgentWhichRunDied()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));

        var cancel = await store.BeginRunAsync(Begin("r3", now: T0 + Lease, Cancelled("i1")));
        var during = (await store.GetAsync(_key))!;
        var completed = await store.CompleteRunAsync(Complete("r3", RunCompletion.Succeeded));
        var replay = await store.BeginRunAsync(Begin("r4", now: T0 + Lease, Resolved("i1", """{"approved":true}""")));

        cancel.Succeeded.Should().BeTrue(cancel.Error?.Message);
        var answer = cancel.Answers.Should().ContainSingle().Subject;
        answer.Entry.Status.Should().Be(ResumeStatus.Cancelled);
        answer.InDoubtRunId.Should().Be("r2");
        answer.IsReapproval.Should().BeFalse();
        during.Pending[0].InDoubtRunId.Should().Be("r2", "the begin that met the lapsed lease recorded the doubt");
        completed.Record!.Pending.Should().BeEmpty();
        replay.Error!.Code.Should().Be(ThreadErrorCodes.ResumeAlreadyApplied);
    }

    [Fact]
    public async Task RecordDecision_InDoubt_ResolvingWithoutReapprove_IsRefused_ButACancelSettlesIt()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"), Approval("i2", "call-2"));
        await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}"""), Resolved("i2", """{"approved":true}""")));
        var later = T0 + Lease;

        var plain = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}"""), later));
        var cancel = await store.RecordDecisionAsync(Decide(Cancelled("i1"), later));
        var record = (await store.GetAsync(_key))!;

        plain.Error!.Code.Should().Be(ThreadErrorCodes.ResumeInDoubt);
        cancel.Succeeded.Should().BeTrue(cancel.Error?.Message);
        record.Pending[0].InDoubtRunId.Should().BeNull("the cancel settled it");
        record.Pending[0].Decision!.InDoubtRunId.Should().Be("r2");
        record.Pending[1].InDoubtRunId.Should().Be("r2", "the decision's write recorded the doubt of the other claimed interrupt");
        record.Lease.Should().BeNull("the lapsed lease's claims live on as doubt; the lease itself is gone");
        (await store.BeginRunAsync(Begin("r3", later, Resolved("i2", """{"approved":true}""")))).Error!.Code.Should().Be(ThreadErrorCodes.ResumeInDoubt);
    }

    [Fact]
    public async Task Reapproval_InDoubt_ClearsTheDoubt_ThenTheResumeIsAcceptedExactlyOnce_WithTheSameIdempotencyKey()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        var first = await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));
        var later = T0 + Lease;

        var reapproved = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}"""), later, reapprove: true));
        var repeated = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}"""), later, reapprove: true));
        var resumed = await store.BeginRunAsync(Begin("r3", later, Resolved("i1", """{"approved":true}""")));
        var concurrent = await store.BeginRunAsync(Begin("r4", later, Resolved("i1", """{"approved":true}""")));
        await store.CompleteRunAsync(Complete("r3", RunCompletion.Succeeded, later));
        var replay = await store.BeginRunAsync(Begin("r5", later, Resolved("i1", """{"approved":true}""")));

        reapproved.Succeeded.Should().BeTrue(reapproved.Error?.Message);
        reapproved.Record!.Pending[0].InDoubtRunId.Should().BeNull();
        repeated.WasRepeat.Should().BeTrue("the same re-approval again is an idempotent repeat");
        resumed.Succeeded.Should().BeTrue(resumed.Error?.Message);
        var answer = resumed.Answers.Should().ContainSingle().Subject;
        answer.IsReapproval.Should().BeTrue();
        answer.InDoubtRunId.Should().Be("r2");
        answer.IdempotencyKey.Should().Be(first.Answers[0].IdempotencyKey, "a re-approval of the same interrupt keeps its key, so the tool can deduplicate");
        concurrent.Error!.Code.Should().Be(ThreadErrorCodes.ThreadBusy);
        replay.Error!.Code.Should().Be(ThreadErrorCodes.ResumeAlreadyApplied);
    }

    [Fact]
    public async Task Reapproval_InDoubtApproverOnly_TheOldDecisionCountsForNothing_AndOnlyAnApproverReapproves()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", ApproverOnly(Approval("i1", "call-1")));
        await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}"""), T0, byApprover: true));
        (await store.BeginRunAsync(Begin("r2"))).Succeeded.Should().BeTrue("the owner's resume carries the approver's decision");
        var later = T0 + Lease;

        var carried = await store.BeginRunAsync(Begin("r3", later));
        var byOwner = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}"""), later, reapprove: true));
        var byApprover = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}"""), later, reapprove: true, byApprover: true));
        var resumed = await store.BeginRunAsync(Begin("r4", later));

        carried.Error!.Code.Should().Be(ThreadErrorCodes.ResumeInDoubt, "the decision the dead run carried is not applied again");
        byOwner.Error!.Code.Should().Be(ThreadErrorCodes.ApproverRequired);
        byApprover.Succeeded.Should().BeTrue(byApprover.Error?.Message);
        resumed.Answers.Should().ContainSingle().Which.IsReapproval.Should().BeTrue();
    }

    [Fact]
    public async Task Reapprove_OnAnInterruptNotInDoubt_IsAnOrdinaryDecision()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var decided = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}"""), T0, reapprove: true));
        var conflicting = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":false}"""), T0, reapprove: true));
        var resumed = await store.BeginRunAsync(Begin("r2"));

        decided.Succeeded.Should().BeTrue(decided.Error?.Message);
        conflicting.Error!.Code.Should().Be(ThreadErrorCodes.DecisionConflict, "reapprove does not override a decision on an interrupt that is not in doubt");
        resumed.Answers.Should().ContainSingle().Which.Should().Match<ResumeAnswer>(a => !a.IsReapproval && a.InDoubtRunId == null);
    }

    [Fact]
    public async Task UpdateLease_Expire_ThenTheRunsLateFailure_LeavesItsClaimInDoubt()
    {
        var store = CreateStore();
        var now = await ClaimedByARunWhoseLeaseACancelEndedAsync(store);

        var late = await store.CompleteRunAsync(Complete("r2", RunCompletion.Failed, now));
        var retry = await store.BeginRunAsync(Begin("r3", now: now, Resolved("i1", """{"approved":true}""")));

        late.Record!.Pending[0].InDoubtRunId.Should().Be("r2", "a late failure releases nothing: the answer may have been acted on");
        retry.Error!.Code.Should().Be(ThreadErrorCodes.ResumeInDoubt);
    }

    [Fact]
    public async Task UpdateLease_Expire_ThenTheDoubtIsSettled_TheRunsLateSuccessIsLeaseLostAndConsumesNothing()
    {
        var store = CreateStore();
        var now = await ClaimedByARunWhoseLeaseACancelEndedAsync(store);
        var cancelled = await store.RecordDecisionAsync(Decide(Cancelled("i1"), now));

        var late = await store.CompleteRunAsync(Complete("r2", RunCompletion.Succeeded, now));
        var record = (await store.GetAsync(_key))!;

        cancelled.Succeeded.Should().BeTrue(cancelled.Error?.Message);
        late.Error!.Code.Should().Be(ThreadErrorCodes.LeaseLost, "the decision's write recorded the doubt and dropped the lapsed lease");
        record.Pending.Should().ContainSingle().Which.Decision!.Status.Should().Be(ResumeStatus.Cancelled, "the cancel stands; nothing was consumed");
    }

    [Fact]
    public async Task UpdateLease_Expire_ThenTheRunsLateSuccessBeforeAnyOtherWrite_RecordsItsEnd_SoTheAnswerIsNeverAppliedTwice()
    {
        var store = CreateStore();
        var now = await ClaimedByARunWhoseLeaseACancelEndedAsync(store);

        var late = await store.CompleteRunAsync(Complete("r2", RunCompletion.Succeeded, now));
        var replay = await store.BeginRunAsync(Begin("r3", now: now, Resolved("i1", """{"approved":true}""")));

        late.Succeeded.Should().BeTrue("the run did end: its success is the truth about the answer");
        replay.Error!.Code.Should().Be(ThreadErrorCodes.ResumeAlreadyApplied);
    }

    /// <summary>Run r2 claims i1, then a cancel finds r2's owner gone and ends its lease; returns when.</summary>
    private async Task<DateTimeOffset> ClaimedByARunWhoseLeaseACancelEndedAsync(IThreadStore store)
    {
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));
        var now = T0 + TimeSpan.FromSeconds(1);
        (await store.UpdateLeaseAsync(Update("r2", LeaseUpdate.Expire, now))).Succeeded.Should().BeTrue();
        return now;
    }

    [Fact]
    public async Task CompleteRun_Normally_EvenAfterItsLeaseLapsed_NeverPutsAnythingInDoubt()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));

        var late = await store.CompleteRunAsync(Complete("r2", RunCompletion.Interrupted, T0 + Lease, Approval("i2", "call-2")));
        var replay = await store.BeginRunAsync(Begin("r3", now: T0 + 2 * Lease, Resolved("i1", """{"approved":true}""")));
        var next = await store.BeginRunAsync(Begin("r4", now: T0 + 2 * Lease, Resolved("i2", """{"approved":true}""")));

        late.Succeeded.Should().BeTrue("nobody took the thread: the slow run's end is still recorded");
        replay.Error!.Code.Should().Be(ThreadErrorCodes.ResumeAlreadyApplied);
        next.Succeeded.Should().BeTrue(next.Error?.Message);
        next.Answers.Single().InDoubtRunId.Should().BeNull();
    }

    [Fact]
    public async Task IdempotencyKey_StableAcrossRetries_DifferentPerInterruptThreadAndOwner()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"), Approval("i2", "call-2"));
        var bob = _key with { Owner = "bob" };
        await Interrupt(store, bob, "r1", Approval("i1", "call-1"), Approval("i2", "call-2"));
        var both = new[] { Resolved("i1", """{"approved":true}"""), Resolved("i2", """{"approved":true}""") };

        var first = await store.BeginRunAsync(Begin("r2", both));
        await store.CompleteRunAsync(Complete("r2", RunCompletion.Failed));
        await store.RecordDecisionAsync(Decide(both[0], T0, reapprove: true));
        await store.RecordDecisionAsync(Decide(both[1], T0, reapprove: true));
        var retry = await store.BeginRunAsync(Begin("r3", both));
        var bobs = await store.BeginRunAsync(new BeginRunRequest { Key = bob, RunId = "r2", Resume = both, InstanceId = "test", LeaseDuration = Lease, Now = T0 });

        var keys = first.Answers.Select(a => a.IdempotencyKey).ToArray();
        retry.Answers.Select(a => a.IdempotencyKey).Should().Equal(keys);
        keys[0].Should().NotBe(keys[1]);
        bobs.Answers.Select(a => a.IdempotencyKey).Should().NotIntersectWith(keys);
        keys.Should().OnlyContain(k => k.Length > 40 && !k.Contains("alice", StringComparison.Ordinal) && !k.Contains("i1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CompleteRun_Interrupted_ConsumesClaimAndAddsNewInterrupts()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));

        var result = await store.CompleteRunAsync(Complete("r2", RunCompletion.Interrupted, Approval("i2", "call-2")));

        result.Record!.Pending.Select(p => p.Interrupt.Id).Should().Equal("i2");
        result.Record.Consumed.Should().ContainKey("i1");
    }

    [Fact]
    public async Task CompleteRun_ByRunWithoutLease_ReportsLeaseLost()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));

        var result = await store.CompleteRunAsync(Complete("other", RunCompletion.Succeeded));

        result.Error!.Code.Should().Be(ThreadErrorCodes.LeaseLost);
        (await store.GetAsync(_key))!.Lease!.RunId.Should().Be("r1");
    }

    [Fact]
    public async Task UpdateLease_Renew_KeepsTheThreadBusyPastTheFirstExpiry()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));
        var renewedAt = T0 + Lease - TimeSpan.FromSeconds(1);

        var renewed = await store.UpdateLeaseAsync(Renew("r1", renewedAt));
        var second = await store.BeginRunAsync(Begin("r2", now: T0 + Lease + TimeSpan.FromSeconds(1)));

        renewed.Succeeded.Should().BeTrue(renewed.Error?.Message);
        var lease = (await store.GetAsync(_key))!.Lease!;
        lease.RunId.Should().Be("r1");
        lease.ExpiresAt.Should().Be(renewedAt + Lease);
        lease.RenewedAt.Should().Be(renewedAt);
        second.Error!.Code.Should().Be(ThreadErrorCodes.ThreadBusy, "the renewed lease is live");
    }

    [Fact]
    public async Task BeginRun_RecordsWhenTheLeaseWasTaken()
    {
        var store = CreateStore();

        await store.BeginRunAsync(Begin("r1"));

        var lease = (await store.GetAsync(_key))!.Lease!;
        lease.RenewedAt.Should().Be(T0);
        lease.CancelRequested.Should().BeFalse();
    }

    [Fact]
    public async Task UpdateLease_RenewByAnotherRun_ReportsLeaseLostAndChangesNothing()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));
        var before = (await store.GetAsync(_key))!;

        var result = await store.UpdateLeaseAsync(Renew("other", T0 + TimeSpan.FromSeconds(1)));

        result.Error!.Code.Should().Be(ThreadErrorCodes.LeaseLost);
        var after = (await store.GetAsync(_key))!;
        after.Version.Should().Be(before.Version);
        after.Lease!.ExpiresAt.Should().Be(T0 + Lease);
    }

    [Fact]
    public async Task UpdateLease_RenewAfterTheLeaseLapsed_ReportsLeaseLostAndDoesNotReviveIt()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));

        var result = await store.UpdateLeaseAsync(Renew("r1", T0 + Lease));

        result.Error!.Code.Should().Be(ThreadErrorCodes.LeaseLost);
        (await store.GetAsync(_key))!.Lease!.ExpiresAt.Should().Be(T0 + Lease, "a lapsed lease stays lapsed");
    }

    [Fact]
    public async Task UpdateLease_RenewAfterAnotherRunTookTheThread_ReportsLeaseLost()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));
        await store.BeginRunAsync(Begin("r2", now: T0 + Lease));

        var result = await store.UpdateLeaseAsync(Renew("r1", T0 + Lease + TimeSpan.FromSeconds(1)));

        result.Error!.Code.Should().Be(ThreadErrorCodes.LeaseLost);
        (await store.GetAsync(_key))!.Lease!.RunId.Should().Be("r2");
    }

    [Fact]
    public async Task UpdateLease_OnACompletedRunOrAMissingThread_ReportsLeaseLost()
    {
        var store = CreateStore();
        var missing = await store.UpdateLeaseAsync(Renew("r1", T0));
        await store.BeginRunAsync(Begin("r1"));
        await store.CompleteRunAsync(Complete("r1", RunCompletion.Succeeded));

        var completed = await store.UpdateLeaseAsync(Renew("r1", T0));

        missing.Error!.Code.Should().Be(ThreadErrorCodes.LeaseLost);
        completed.Error!.Code.Should().Be(ThreadErrorCodes.LeaseLost);
        (await store.GetAsync(_key))!.Lease.Should().BeNull();
    }

    [Fact]
    public async Task UpdateLease_Expire_FreesTheThreadNowAndKeepsTheRunAndItsClaim()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));
        var now = T0 + TimeSpan.FromSeconds(1);

        var expired = await store.UpdateLeaseAsync(Update("r2", LeaseUpdate.Expire, now));

        expired.Succeeded.Should().BeTrue(expired.Error?.Message);
        var record = (await store.GetAsync(_key))!;
        record.StatusAt(now).Should().NotBe(ThreadStatus.Running, "the thread is free at once");
        record.Lease!.RunId.Should().Be("r2", "the lease still names the run whose end was never recorded");
        record.Lease.ExpiresAt.Should().Be(now);
        record.Lease.ClaimedInterruptIds.Should().Equal("i1");
        record.Pending.Select(p => p.Interrupt.Id).Should().Equal("i1");
    }

    [Fact]
    public async Task UpdateLease_Expire_LetsTheNextRunBeginAtOnce()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));
        var now = T0 + TimeSpan.FromSeconds(1);

        await store.UpdateLeaseAsync(Update("r1", LeaseUpdate.Expire, now));
        var next = await store.BeginRunAsync(Begin("r2", now: now));

        next.Succeeded.Should().BeTrue(next.Error?.Message);
        next.Record!.Lease!.RunId.Should().Be("r2");
    }

    [Fact]
    public async Task UpdateLease_ExpireALapsedLease_IsARepeat()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));
        await store.UpdateLeaseAsync(Update("r1", LeaseUpdate.Expire, T0 + TimeSpan.FromSeconds(1)));
        var version = (await store.GetAsync(_key))!.Version;

        var again = await store.UpdateLeaseAsync(Update("r1", LeaseUpdate.Expire, T0 + TimeSpan.FromSeconds(2)));

        again.Succeeded.Should().BeTrue();
        again.WasRepeat.Should().BeTrue();
        (await store.GetAsync(_key))!.Version.Should().Be(version);
    }

    [Fact]
    public async Task UpdateLease_ExpireByAnotherRun_ReportsLeaseLostAndTheLeaseStaysLive()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));

        var result = await store.UpdateLeaseAsync(Update("other", LeaseUpdate.Expire, T0 + TimeSpan.FromSeconds(1)));

        result.Error!.Code.Should().Be(ThreadErrorCodes.LeaseLost);
        (await store.GetAsync(_key))!.StatusAt(T0 + TimeSpan.FromSeconds(1)).Should().Be(ThreadStatus.Running);
    }

    [Fact]
    public async Task UpdateLease_RequestCancel_FlagsTheLiveLeaseAndTheRenewalCarriesIt()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));

        var asked = await store.UpdateLeaseAsync(Update("r1", LeaseUpdate.RequestCancel, T0 + TimeSpan.FromSeconds(1)));
        var again = await store.UpdateLeaseAsync(Update("r1", LeaseUpdate.RequestCancel, T0 + TimeSpan.FromSeconds(2)));
        var renewed = await store.UpdateLeaseAsync(Renew("r1", T0 + TimeSpan.FromSeconds(3)));

        asked.Record!.Lease!.CancelRequested.Should().BeTrue();
        asked.Record.Lease.ExpiresAt.Should().Be(T0 + Lease, "asking does not shorten the lease");
        asked.Record.StatusAt(T0 + TimeSpan.FromSeconds(1)).Should().Be(ThreadStatus.Running);
        again.WasRepeat.Should().BeTrue();
        renewed.Record!.Lease!.CancelRequested.Should().BeTrue("the owner learns of the cancel from its renewal");
        (await store.GetAsync(_key))!.Lease!.CancelRequested.Should().BeTrue();
    }

    [Fact]
    public async Task UpdateLease_RequestCancelOnALapsedLeaseOrAnotherRun_ReportsLeaseLost()
    {
        var store = CreateStore();
        await store.BeginRunAsync(Begin("r1"));

        var other = await store.UpdateLeaseAsync(Update("other", LeaseUpdate.RequestCancel, T0));
        var lapsed = await store.UpdateLeaseAsync(Update("r1", LeaseUpdate.RequestCancel, T0 + Lease));

        other.Error!.Code.Should().Be(ThreadErrorCodes.LeaseLost);
        lapsed.Error!.Code.Should().Be(ThreadErrorCodes.LeaseLost);
        (await store.GetAsync(_key))!.Lease!.CancelRequested.Should().BeFalse();
    }

    [Fact]
    public async Task RecordDecision_CoversNextResumeWithoutEntries()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var decided = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}""")));
        var resumed = await store.BeginRunAsync(Begin("r2"));

        decided.Succeeded.Should().BeTrue(decided.Error?.Message);
        decided.Record!.Pending[0].Decision!.DecidedBy.Should().Be("supervisor");
        resumed.Succeeded.Should().BeTrue(resumed.Error?.Message);
        resumed.Answers.Should().ContainSingle().Which.FromRecordedDecision.Should().BeTrue();
    }

    [Fact]
    public async Task ApproverOnly_ResumeOrDecisionResolvingItWithoutAnApprover_IsRefusedAndChangesNothing()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", ApproverOnly(Approval("i1", "call-1")));

        var resumed = await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));
        var decided = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}""")));
        var record = await store.GetAsync(_key);

        resumed.Error!.Code.Should().Be(ThreadErrorCodes.ApproverRequired);
        decided.Error!.Code.Should().Be(ThreadErrorCodes.ApproverRequired);
        record!.Pending.Should().ContainSingle().Which.Should().Match<PendingInterrupt>(p => p.RequiresApprover && p.Decision == null);
        record.Lease.Should().BeNull("the refused resume took no lease");
    }

    [Fact]
    public async Task ApproverOnly_ApproverResolves_ThenTheOwnersResumeWithoutEntriesCarriesIt()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", ApproverOnly(Approval("i1", "call-1")));

        var decided = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}""")));
        var byApprover = await store.RecordDecisionAsync(new RecordDecisionRequest
        {
            Key = _key, Entry = Resolved("i1", """{"approved":true}"""), DecidedBy = "supervisor", ByApprover = true, Now = T0,
        });
        var sameAgainByOwner = await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));

        decided.Error!.Code.Should().Be(ThreadErrorCodes.ApproverRequired);
        byApprover.Succeeded.Should().BeTrue(byApprover.Error?.Message);
        (await store.GetAsync(_key))!.Pending[0].RequiresApprover.Should().BeTrue("recording the decision keeps the flag");
        sameAgainByOwner.Succeeded.Should().BeTrue("an entry repeating the approver's decision adds nothing");
        sameAgainByOwner.Answers.Should().ContainSingle().Which.FromRecordedDecision.Should().BeTrue();
    }

    [Fact]
    public async Task ApproverOnly_OwnerMayCancel_InAResumeOrADecision()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", ApproverOnly(Approval("i1", "call-1")), ApproverOnly(Approval("i2", "call-2")));

        var decided = await store.RecordDecisionAsync(Decide(Cancelled("i1")));
        var resumed = await store.BeginRunAsync(Begin("r2", Cancelled("i2")));

        decided.Succeeded.Should().BeTrue(decided.Error?.Message);
        decided.Record!.Pending[0].RequiresApprover.Should().BeTrue("the owner's cancel keeps the flag");
        resumed.Succeeded.Should().BeTrue(resumed.Error?.Message);
        resumed.Answers.Select(a => a.Entry.Status).Should().Equal(ResumeStatus.Cancelled, ResumeStatus.Cancelled);
    }

    [Fact]
    public async Task ApproverOnly_IsPerInterrupt_AnOrdinaryOneBesideItStaysTheOwnersToResolve()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"), ApproverOnly(Approval("i2", "call-2")));

        var ordinary = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}""")));
        var guarded = await store.RecordDecisionAsync(Decide(Resolved("i2", """{"approved":true}""")));

        ordinary.Succeeded.Should().BeTrue(ordinary.Error?.Message);
        guarded.Error!.Code.Should().Be(ThreadErrorCodes.ApproverRequired);
    }

    [Fact]
    public async Task RecordDecision_OneOfTwo_FrontendResumesTheRest()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"), Approval("i2", "call-2"));
        await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":false}""")));

        var partial = await store.BeginRunAsync(Begin("r2"));
        var resumed = await store.BeginRunAsync(Begin("r3", Resolved("i2", """{"approved":true}""")));

        partial.Error!.Code.Should().Be(ThreadErrorCodes.PartialResume);
        resumed.Succeeded.Should().BeTrue(resumed.Error?.Message);
        resumed.Answers.Select(a => a.FromRecordedDecision).Should().Equal(true, false);
    }

    [Fact]
    public async Task RecordDecision_SameDecisionTwice_IsAnIdempotentRepeat()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        var first = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}""")));

        var second = await store.RecordDecisionAsync(Decide(Resolved("i1", """{ "approved" : true }""")));

        second.Succeeded.Should().BeTrue();
        second.WasRepeat.Should().BeTrue();
        second.Record!.Version.Should().Be(first.Record!.Version);
    }

    [Fact]
    public async Task RecordDecision_DifferentDecision_ReportsConflict()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":true}""")));

        var second = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":false}""")));

        second.Error!.Code.Should().Be(ThreadErrorCodes.DecisionConflict);
    }

    [Fact]
    public async Task BeginRun_EntryContradictingRecordedDecision_ReportsDuplicate()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":false}""")));

        var contradicting = await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));
        var agreeing = await store.BeginRunAsync(Begin("r3", Resolved("i1", """{"approved":false}""")));

        contradicting.Error!.Code.Should().Be(ThreadErrorCodes.DuplicateResumeEntry);
        agreeing.Succeeded.Should().BeTrue(agreeing.Error?.Message);
    }

    [Theory]
    [InlineData("nope", ThreadErrorCodes.UnknownInterrupt)]
    public async Task RecordDecision_UnknownInterrupt_ReportsCode(string interruptId, string code)
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var result = await store.RecordDecisionAsync(Decide(Resolved(interruptId, "true")));

        result.Error!.Code.Should().Be(code);
    }

    [Fact]
    public async Task RecordDecision_InvalidPayload_ReportsInvalidAndRecordsNothing()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var result = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":1}""")));

        result.Error!.Code.Should().Be(ThreadErrorCodes.InvalidResumePayload);
        (await store.GetAsync(_key))!.Pending[0].Decision.Should().BeNull();
    }

    [Fact]
    public async Task RecordDecision_NoThread_ReportsNotFound()
    {
        var store = CreateStore();

        var result = await store.RecordDecisionAsync(Decide(Resolved("i1", "true")));

        result.Error!.Code.Should().Be(ThreadErrorCodes.ThreadNotFound);
    }

    [Fact]
    public async Task RecordDecision_ClaimedByLiveRun_ReportsBusy()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        await store.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")));

        var result = await store.RecordDecisionAsync(Decide(Resolved("i1", """{"approved":false}""")));

        result.Error!.Code.Should().Be(ThreadErrorCodes.ThreadBusy);
    }

    [Fact]
    public async Task GetAndBegin_OtherOwner_SeesNoThreadAndCannotAnswerItsInterrupts()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));
        var mallory = _key with { Owner = "mallory" };

        var seen = await store.GetAsync(mallory);
        var request = Begin("r2", Resolved("i1", """{"approved":true}"""));
        var begin = await store.BeginRunAsync(new BeginRunRequest { Key = mallory, RunId = request.RunId, Resume = request.Resume, InstanceId = request.InstanceId, LeaseDuration = request.LeaseDuration, Now = request.Now });

        seen.Should().BeNull();
        begin.Error!.Code.Should().Be(ThreadErrorCodes.UnknownInterrupt);
        (await store.GetAsync(_key))!.Pending.Should().ContainSingle("alice's interrupt is untouched");
    }

    [Fact]
    public async Task BeginRun_LegacyEntryWithoutId_BindsToTheSingleOpenInterrupt()
    {
        var store = CreateStore();
        await Interrupt(store, "r1", Approval("i1", "call-1"));

        var result = await store.BeginRunAsync(Begin("r2", Resolved(string.Empty, """{"approved":true}""")));

        result.Succeeded.Should().BeTrue(result.Error?.Message);
        result.Answers.Single().Entry.InterruptId.Should().Be("i1");
    }

    [Fact]
    public async Task BeginRun_HundredConcurrentResumes_ExactlyOneWins_Repeated()
    {
        for (var round = 0; round < 50; round++)
        {
            var store = CreateStore();
            await Interrupt(store, "r0", Approval("i1", "call-1"));
            using var gate = new ManualResetEventSlim(false);

            var attempts = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
            {
                gate.Wait();
                return await store.BeginRunAsync(Begin($"run-{i}", Resolved("i1", """{"approved":true}""")));
            })).ToArray();
            gate.Set();
            var results = await Task.WhenAll(attempts);

            results.Count(r => r.Succeeded).Should().Be(1, $"round {round}");
            results.Where(r => !r.Succeeded).Select(r => r.Error!.Code).Should().OnlyContain(c => c == ThreadErrorCodes.ThreadBusy);
        }
    }

    // Two instances, each remembering the last record it wrote: every write must see the other instance's writes.
    [Fact]
    public async Task TwoInstances_StaleRecord_AResumeAnsweredThroughTheOther_IsRefusedAsAReplay_AndTheNewInterruptIsKept()
    {
        var a = CreateStore();
        var b = CreateSecondInstance(a);
        await Interrupt(a, "r1", Approval("i1", "call-1"));
        (await b.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")))).Succeeded.Should().BeTrue();
        (await b.CompleteRunAsync(Complete("r2", RunCompletion.Interrupted, Approval("i2", "call-2")))).Succeeded.Should().BeTrue();

        var replay = await a.BeginRunAsync(Begin("r3", Resolved("i1", """{"approved":true}""")));
        var next = await a.BeginRunAsync(Begin("r4", Resolved("i2", """{"approved":false}""")));

        replay.Error!.Code.Should().Be(ThreadErrorCodes.ResumeAlreadyApplied);
        next.Succeeded.Should().BeTrue(next.Error?.Message);
        next.Answers.Select(x => x.Interrupt.Id).Should().Equal("i2");
        var record = (await b.GetAsync(_key))!;
        record.Version.Should().Be(5);
        record.Lease!.RunId.Should().Be("r4");
        record.Pending.Select(p => p.Interrupt.Id).Should().Equal("i2");
    }

    [Fact]
    public async Task TwoInstances_StaleIdleRecord_ABeginWhileTheOtherHoldsTheLease_IsBusyAndLeavesTheLease()
    {
        var a = CreateStore();
        var b = CreateSecondInstance(a);
        (await a.BeginRunAsync(Begin("r1"))).Succeeded.Should().BeTrue();
        (await a.CompleteRunAsync(Complete("r1", RunCompletion.Succeeded))).Succeeded.Should().BeTrue();
        (await b.BeginRunAsync(Begin("r2"))).Succeeded.Should().BeTrue();

        var busy = await a.BeginRunAsync(Begin("r3"));
        var lateComplete = await a.CompleteRunAsync(Complete("r1", RunCompletion.Succeeded));

        busy.Error!.Code.Should().Be(ThreadErrorCodes.ThreadBusy);
        lateComplete.Error!.Code.Should().Be(ThreadErrorCodes.LeaseLost);
        (await a.GetAsync(_key))!.Lease!.RunId.Should().Be("r2");
        (await b.CompleteRunAsync(Complete("r2", RunCompletion.Succeeded))).Succeeded.Should().BeTrue();
        var after = await a.BeginRunAsync(Begin("r4"));
        after.Succeeded.Should().BeTrue(after.Error?.Message);
        after.Record!.Version.Should().Be(5);
    }

    [Fact]
    public async Task TwoInstances_StaleInterruptedRecord_ABeginWithoutResumeAfterTheOtherAnsweredIt_Succeeds()
    {
        var a = CreateStore();
        var b = CreateSecondInstance(a);
        await Interrupt(a, "r1", Approval("i1", "call-1"));
        (await b.BeginRunAsync(Begin("r2", Resolved("i1", """{"approved":true}""")))).Succeeded.Should().BeTrue();
        (await b.CompleteRunAsync(Complete("r2", RunCompletion.Succeeded))).Succeeded.Should().BeTrue();

        // a's own last record still has i1 pending; refusing with resume-required on it would be wrong.
        var next = await a.BeginRunAsync(Begin("r3"));

        next.Succeeded.Should().BeTrue(next.Error?.Message);
        next.Record!.Version.Should().Be(5);
        next.Record.Pending.Should().BeEmpty();
    }

    [Fact]
    public async Task TwoInstances_StaleRecords_ConcurrentResumesThroughBoth_ExactlyOneWins_Repeated()
    {
        for (var round = 0; round < 10; round++)
        {
            var a = CreateStore();
            var b = CreateSecondInstance(a);
            await Interrupt(b, "r0", Approval("i1", "call-1"));
            (await a.BeginRunAsync(Begin("r1", Resolved("i1", """{"approved":true}""")))).Succeeded.Should().BeTrue();
            (await a.CompleteRunAsync(Complete("r1", RunCompletion.Interrupted, Approval("i2", "call-2")))).Succeeded.Should().BeTrue();

            // b remembers i1 pending (stale), a remembers i2 pending (current).
            var results = await RaceAsync(40, i => (i % 2 == 0 ? a : b).BeginRunAsync(Begin($"run-{i}", Resolved("i2", """{"approved":true}"""))));

            ExactlyOneWon(results, round);
            var winner = results.Single(r => r.Succeeded).Record!;
            var stored = (await b.GetAsync(_key))!;
            stored.Version.Should().Be(5);
            stored.Lease!.RunId.Should().Be(winner.Lease!.RunId);
        }
    }

    // Starts every begin at once (released by one gate) and waits for all.
    private static async Task<BeginRunResult[]> RaceAsync(int count, Func<int, ValueTask<BeginRunResult>> begin)
    {
        using var gate = new ManualResetEventSlim(false);
        var attempts = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            gate.Wait();
            return await begin(i);
        })).ToArray();
        gate.Set();
        return await Task.WhenAll(attempts);
    }

    private static void ExactlyOneWon(BeginRunResult[] results, int round)
    {
        results.Count(r => r.Succeeded).Should().Be(1, $"round {round}");
        results.Where(r => !r.Succeeded).Select(r => r.Error!.Code).Should().OnlyContain(c => c == ThreadErrorCodes.ThreadBusy);
    }

    private BeginRunRequest Begin(string runId, params ResumeEntry[] resume) => Begin(runId, T0, resume);

    private BeginRunRequest Begin(string runId, DateTimeOffset now, params ResumeEntry[] resume) =>
        new() { Key = _key, RunId = runId, Resume = resume.Length == 0 ? null : resume, InstanceId = "test", LeaseDuration = Lease, Now = now };

    private BeginRunRequest Begin(string runId, ResumeValidationMode mode, params ResumeEntry[] resume) =>
        new() { Key = _key, RunId = runId, Resume = resume, InstanceId = "test", LeaseDuration = Lease, Now = T0, Mode = mode };

    private CompleteRunRequest Complete(string runId, RunCompletion completion, params PendingInterrupt[] raised) => Complete(runId, completion, T0, raised);

    private CompleteRunRequest Complete(string runId, RunCompletion completion, DateTimeOffset now, params PendingInterrupt[] raised) =>
        new() { Key = _key, RunId = runId, Completion = completion, NewInterrupts = raised.Length == 0 ? null : raised, Now = now };

    private UpdateLeaseRequest Renew(string runId, DateTimeOffset now) =>
        new() { Key = _key, RunId = runId, Update = LeaseUpdate.Renew, Duration = Lease, Now = now };

    private UpdateLeaseRequest Update(string runId, LeaseUpdate update, DateTimeOffset now) =>
        new() { Key = _key, RunId = runId, Update = update, Now = now };

    private RecordDecisionRequest Decide(ResumeEntry entry) => new() { Key = _key, Entry = entry, DecidedBy = "supervisor", Now = T0 };

    private RecordDecisionRequest Decide(ResumeEntry entry, DateTimeOffset now, bool reapprove = false, bool byApprover = false) =>
        new() { Key = _key, Entry = entry, DecidedBy = "supervisor", Now = now, Reapprove = reapprove, ByApprover = byApprover };

    private Task Interrupt(IThreadStore store, string runId, params PendingInterrupt[] raised) => Interrupt(store, _key, runId, raised);

    private static async Task Interrupt(IThreadStore store, ThreadKey key, string runId, params PendingInterrupt[] raised)
    {
        var begun = await store.BeginRunAsync(new BeginRunRequest { Key = key, RunId = runId, InstanceId = "test", LeaseDuration = Lease, Now = T0 });
        begun.Succeeded.Should().BeTrue(begun.Error?.Message);
        var completed = await store.CompleteRunAsync(new CompleteRunRequest { Key = key, RunId = runId, Completion = RunCompletion.Interrupted, NewInterrupts = raised, Now = T0 });
        completed.Succeeded.Should().BeTrue(completed.Error?.Message);
    }

    private static PendingInterrupt Approval(string id, string toolCallId) => new()
    {
        Interrupt = new Interrupt { Id = id, Reason = InterruptReasons.ToolCall, ToolCallId = toolCallId, ResponseSchema = ApprovalSchema },
        RaisedByRunId = "r1",
        ToolCallName = "sendEmail",
        ToolCallArguments = """{"to":"a@b.c"}""",
    };

    private static PendingInterrupt ApproverOnly(PendingInterrupt pending) => new()
    {
        Interrupt = pending.Interrupt,
        RaisedByRunId = pending.RaisedByRunId,
        ToolCallName = pending.ToolCallName,
        ToolCallArguments = pending.ToolCallArguments,
        RequiresApprover = true,
    };

    private static PendingInterrupt Expiring(string id, DateTimeOffset expiresAt) => new()
    {
        Interrupt = new Interrupt { Id = id, Reason = InterruptReasons.Confirmation, ExpiresAt = expiresAt.ToString("O") },
        RaisedByRunId = "r1",
    };

    private static ResumeEntry Resolved(string id, string payload) => new() { InterruptId = id, Status = ResumeStatus.Resolved, Payload = Json(payload) };

    private static ResumeEntry Cancelled(string id) => new() { InterruptId = id, Status = ResumeStatus.Cancelled };

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;
}
