namespace AutomagikHello.AgUi.Sequencing;

/// <summary>
/// The producer's event-ordering rules by name; the value is the rule's number, reported as
/// <see cref="SequenceViolation.Rule"/>. Rules 14, 22 and 30 permit rather than forbid, so no violation names them.
/// </summary>
internal enum SequenceRule
{
    /// <summary>The first event is <c>RUN_STARTED</c> or <c>RUN_ERROR</c>, and a stream is not empty.</summary>
    FirstEventStartsRun = 1,

    /// <summary>A new <c>RUN_STARTED</c> waits until the active run has ended.</summary>
    OneRunAtATime = 2,

    /// <summary>After <c>RUN_FINISHED</c> only <c>RUN_ERROR</c> or a new <c>RUN_STARTED</c>.</summary>
    NothingAfterRunFinished = 3,

    /// <summary>After <c>RUN_ERROR</c> only a new <c>RUN_STARTED</c>.</summary>
    NothingAfterRunError = 4,

    /// <summary>A run's events carry its thread and run ids; the stream's last run is the requested one.</summary>
    RunIdsMatch = 5,

    /// <summary>Every run ends with <c>RUN_FINISHED</c> or <c>RUN_ERROR</c> before the stream does.</summary>
    RunEndsBeforeStream = 6,

    /// <summary>A new run starts with nothing open: nothing the previous run left open may be continued.</summary>
    NewRunStartsWithNothingOpen = 7,

    /// <summary>An id the input history already carries is not streamed or minted again.</summary>
    HistoryIdNotReused = 8,

    /// <summary><c>RUN_FINISHED</c> waits until every text message is closed.</summary>
    FinishWithMessagesClosed = 9,

    /// <summary><c>RUN_FINISHED</c> waits until every tool call is closed.</summary>
    FinishWithToolCallsClosed = 10,

    /// <summary><c>RUN_FINISHED</c> waits until every step is finished.</summary>
    FinishWithStepsClosed = 11,

    /// <summary><c>RUN_FINISHED</c> waits until every reasoning message and span is closed.</summary>
    FinishWithReasoningClosed = 12,

    /// <summary><c>RUN_FINISHED</c> waits until every subagent has ended.</summary>
    FinishWithSubagentsEnded = 13,

    /// <summary>A text message is not opened while it is open.</summary>
    TextMessageOpenedOnce = 15,

    /// <summary>A text message is continued or ended only while open.</summary>
    TextMessageContinuedWhileOpen = 16,

    /// <summary>A tool call is not opened while it is open.</summary>
    ToolCallOpenedOnce = 17,

    /// <summary>A tool call is continued or ended only while open.</summary>
    ToolCallContinuedWhileOpen = 18,

    /// <summary>A reasoning message is opened once and continued or ended only while open.</summary>
    ReasoningMessageOpen = 19,

    /// <summary>A reasoning span is opened once and ended only while open.</summary>
    ReasoningSpanOpen = 20,

    /// <summary>An item reopened after it closed keeps the attributes it was first opened with.</summary>
    ReopenKeepsAttributes = 21,

    /// <summary>The first chunk of a message carries its <c>messageId</c>; a continuation is unambiguous.</summary>
    MessageChunkOpensWithId = 23,

    /// <summary>The first chunk of a tool call carries <c>toolCallId</c> and <c>toolCallName</c>; a continuation is unambiguous.</summary>
    ToolCallChunkOpensWithIdAndName = 24,

    /// <summary>An item is streamed either all in chunks or all in explicit events.</summary>
    ChunksOrExplicitNotBoth = 25,

    /// <summary>A chunk keeps the attributes its item's first chunk established.</summary>
    ChunkKeepsFirstAttributes = 26,

    /// <summary>A chunk without an id continues only a chunk stream that is still open.</summary>
    ChunkContinuesOpenStream = 27,

    /// <summary>A step is not started while its owner has it open.</summary>
    StepStartedOnce = 28,

    /// <summary><c>STEP_FINISHED</c> names a step its owner has open, with the attribution it was started with.</summary>
    StepFinishesOpenStep = 29,

    /// <summary><c>ACTIVITY_DELTA</c> patches an activity an <c>ACTIVITY_SNAPSHOT</c> created.</summary>
    ActivityDeltaNeedsSnapshot = 31,

    /// <summary><c>STATE_DELTA</c> applies to the current state.</summary>
    StateDeltaApplies = 32,

    /// <summary>Activity content is a JSON object and its patches apply.</summary>
    ActivityContentValid = 33,

    /// <summary><c>SUBAGENT_STARTED</c> comes before any event attributed to the subagent.</summary>
    SubagentAnnouncedFirst = 34,

    /// <summary>A subagent is announced once per invocation.</summary>
    SubagentAnnouncedOnce = 35,

    /// <summary>Work is attributed to, and an end given to, only an announced subagent that has not ended.</summary>
    SubagentActive = 36,

    /// <summary>A subagent's <c>parentSubagentRunId</c> was announced earlier in the run.</summary>
    SubagentParentAnnounced = 37,

    /// <summary>An event about an item carries the <c>subagentRunId</c> of the item's owner.</summary>
    AttributionMatchesOwner = 38,

    /// <summary>A tool call's attribution equals that of its parent message.</summary>
    ToolCallAttributionMatchesParent = 39,

    /// <summary>An interrupt outcome holds at least one interrupt, none null, with unique ids.</summary>
    InterruptOutcomeValid = 40,

    /// <summary><c>pendingToolCallIds</c> lists exactly the calls started in the run and left without a result.</summary>
    PendingToolCallIdsMatch = 41,

    /// <summary>The consumer answers frontend tool calls, not the producer.</summary>
    FrontendToolsAnsweredByConsumer = 42,

    /// <summary>The outcome is one 1.0 defines: success, interrupt or cancelled.</summary>
    OutcomeDefined = 43,
}
