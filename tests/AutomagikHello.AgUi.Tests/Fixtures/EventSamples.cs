using System.Text.Json;

namespace AutomagikHello.AgUi.Tests.Fixtures;

/// <summary>
/// Events built in C#, at least one of each of the 31 types: <see cref="Full"/> sets the optional fields where the
/// schema allows them; <see cref="Sparse"/> sets only what is required (nested objects included), so nothing unset may
/// appear on the wire.
/// </summary>
internal static class EventSamples
{
    private const long Now = 1_732_500_000_000;

    private static readonly Lazy<IReadOnlyDictionary<string, AgUiEvent>> FullSamples = new(BuildFull);
    private static readonly Lazy<IReadOnlyDictionary<string, AgUiEvent>> SparseSamples = new(BuildSparse);

    /// <summary>Samples with optional fields set, by a descriptive name.</summary>
    public static IReadOnlyDictionary<string, AgUiEvent> Full => FullSamples.Value;

    /// <summary>Samples with only the required fields set (nested objects too), by a descriptive name.</summary>
    public static IReadOnlyDictionary<string, AgUiEvent> Sparse => SparseSamples.Value;

    /// <summary>A sample by name from either set.</summary>
    public static AgUiEvent Get(string name) =>
        Full.TryGetValue(name, out var full) ? full
        : Sparse.TryGetValue(name, out var sparse) ? sparse
        : throw new ArgumentException($"No event sample named '{name}'.", nameof(name));

    /// <summary>Parses JSON text into a detached <see cref="JsonElement"/>.</summary>
    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static JsonElement Meta(string source) => Json($$$"""{"source":"{{{source}}}","trace":{"span":7,"sampled":null}}""");

    private static JsonElement Raw() => Json("""{"provider":"openai","id":"evt_1","choices":[{"index":0}]}""");

    private static IReadOnlyDictionary<string, AgUiEvent> BuildFull()
    {
        var samples = new Dictionary<string, AgUiEvent>(StringComparer.Ordinal)
        {
            // Text messages.
            ["TextMessageStart_Full"] = new TextMessageStartEvent
            {
                MessageId = "m1", Role = TextMessageRole.User, Name = "alice", SubagentRunId = "sa1",
                Timestamp = Now, RawEvent = Raw(), Metadata = Meta("text"),
            },
            ["TextMessageContent_Full"] = new TextMessageContentEvent
            {
                MessageId = "m1", Delta = "Hello", SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("text"),
            },
            ["TextMessageContent_EmptyDelta"] = new TextMessageContentEvent { MessageId = "m1", Delta = string.Empty },
            ["TextMessageEnd_Full"] = new TextMessageEndEvent
            {
                MessageId = "m1", SubagentRunId = "sa1", Timestamp = Now, RawEvent = Json("\"done\""), Metadata = Meta("text"),
            },
            ["TextMessageChunk_Full"] = new TextMessageChunkEvent
            {
                MessageId = "m2", Role = TextMessageRole.Developer, Delta = "Hi", Name = "dev",
                SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("chunk"),
            },

            // Tool calls.
            ["ToolCallStart_Full"] = new ToolCallStartEvent
            {
                ToolCallId = "c1", ToolCallName = "search", ParentMessageId = "m1", SubagentRunId = "sa1",
                Timestamp = Now, RawEvent = Raw(), Metadata = Meta("tool"),
            },
            ["ToolCallArgs_Full"] = new ToolCallArgsEvent
            {
                ToolCallId = "c1", Delta = "{\"q\":", SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("tool"),
            },
            ["ToolCallEnd_Full"] = new ToolCallEndEvent { ToolCallId = "c1", SubagentRunId = "sa1", Timestamp = Now },
            ["ToolCallChunk_Full"] = new ToolCallChunkEvent
            {
                ToolCallId = "c2", ToolCallName = "lookup", ParentMessageId = "m1", Delta = "{}",
                SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("tool"),
            },
            ["ToolCallResult_StringContent"] = new ToolCallResultEvent
            {
                MessageId = "tm1", ToolCallId = "c1", Content = "3 results", Role = ToolResultRole.Tool,
                SubagentRunId = "sa1", Timestamp = Now, RawEvent = Raw(), Metadata = Meta("result"),
            },
            ["ToolCallResult_PartsContent"] = new ToolCallResultEvent
            {
                MessageId = "tm2", ToolCallId = "c2", Content = MessageContent.FromParts(AllParts()), Role = ToolResultRole.Tool,
                Timestamp = Now,
            },
            ["ToolCallResult_EmptyParts"] = new ToolCallResultEvent
            {
                MessageId = "tm3", ToolCallId = "c3", Content = MessageContent.FromParts([]),
            },

            // State, messages, activity.
            ["StateSnapshot_Object"] = new StateSnapshotEvent
            {
                Snapshot = Json("""{"count":1,"items":[1,null,"x"],"nested":{"flag":null}}"""),
                SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("state"),
            },
            ["StateSnapshot_Null"] = new StateSnapshotEvent { Snapshot = Json("null") },
            ["StateDelta_EveryOperation"] = new StateDeltaEvent
            {
                Delta = Json("""
                    [
                      {"op":"add","path":"/a","value":1},
                      {"op":"add","path":"/n","value":null},
                      {"op":"remove","path":"/b"},
                      {"op":"replace","path":"/c/0","value":{"x":true}},
                      {"op":"move","from":"/d","path":"/e"},
                      {"op":"copy","from":"/e","path":"/f~1g"},
                      {"op":"test","path":"","value":{}}
                    ]
                    """),
                SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("state"),
            },
            ["MessagesSnapshot_EveryRole"] = new MessagesSnapshotEvent
            {
                Messages = EveryRole(), Timestamp = Now, RawEvent = Raw(), Metadata = Meta("snapshot"),
            },
            ["ActivitySnapshot_Full"] = new ActivitySnapshotEvent
            {
                MessageId = "a1", ActivityType = "search", Content = Json("""{"hits":3,"query":null}"""), Replace = false,
                SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("activity"),
            },
            ["ActivityDelta_Full"] = new ActivityDeltaEvent
            {
                MessageId = "a1", ActivityType = "search", Patch = Json("""[{"op":"replace","path":"/hits","value":4}]"""),
                SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("activity"),
            },

            // Passthrough.
            ["Raw_Full"] = new RawEvent
            {
                Event = Raw(), Source = "openai", SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("raw"),
            },
            ["Raw_EventNull"] = new RawEvent { Event = Json("null") },
            ["Custom_Full"] = new CustomEvent
            {
                Name = "app.progress", Value = Json("""{"percent":40}"""), SubagentRunId = "sa1", Timestamp = Now,
                RawEvent = Raw(), Metadata = Meta("custom"),
            },
            ["Custom_ValueNull"] = new CustomEvent { Name = "app.ping", Value = Json("null") },

            // Lifecycle.
            ["RunStarted_Full"] = new RunStartedEvent
            {
                ThreadId = "t1", RunId = "r2", ProtocolVersion = RunStartedEvent.CurrentProtocolVersion, ParentRunId = "r1",
                Input = FullInput(), Timestamp = Now, RawEvent = Raw(), Metadata = Meta("run"),
            },
            ["RunFinished_Success"] = new RunFinishedEvent
            {
                ThreadId = "t1", RunId = "r2", Result = Json("""{"answer":42,"extra":null}"""),
                Outcome = new SuccessOutcome { PendingToolCallIds = ["c1", "c2"] },
                Usage = [FullUsage(), new TokenUsage { Provider = "anthropic", Model = "claude", InputTokens = 10 }],
                Timestamp = Now, RawEvent = Raw(), Metadata = Meta("run"),
            },
            ["RunFinished_SuccessStatic"] = new RunFinishedEvent { ThreadId = "t1", RunId = "r2", Outcome = RunFinishedOutcome.Success },
            ["RunFinished_Interrupt"] = new RunFinishedEvent
            {
                ThreadId = "t1", RunId = "r2",
                Outcome = new InterruptOutcome
                {
                    Interrupts =
                    [
                        new Interrupt
                        {
                            Id = "i1", Reason = InterruptReasons.ToolCall, Message = "Approve the transfer?", ToolCallId = "c1",
                            ResponseSchema = Json("""{"type":"object","properties":{"approved":{"type":"boolean"}},"required":["approved"]}"""),
                            ExpiresAt = "2026-12-01T00:00:00Z", Metadata = Json("""{"risk":"high"}"""), SubagentRunId = "sa1",
                        },
                        new Interrupt
                        {
                            Id = "i2", Reason = InterruptReasons.InputRequired, Message = "Which account?",
                            ResponseSchema = Json("""{"type":"object","properties":{"account":{"type":"string","enum":["a","b"]}}}"""),
                        },
                    ],
                },
                Usage = [FullUsage()], Timestamp = Now, Metadata = Meta("run"),
            },
            ["RunFinished_Cancelled"] = new RunFinishedEvent
            {
                ThreadId = "t1", RunId = "r2", Outcome = RunFinishedOutcome.Cancelled, Usage = [FullUsage()], Timestamp = Now,
            },
            ["RunError_Full"] = new RunErrorEvent
            {
                Message = "Model overloaded", Code = "overloaded", Usage = [FullUsage()], Timestamp = Now, RawEvent = Raw(),
                Metadata = Meta("run"),
            },
            ["StepStarted_Full"] = new StepStartedEvent { StepName = "plan", SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("step") },
            ["StepFinished_Full"] = new StepFinishedEvent { StepName = "plan", SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("step") },

            // Reasoning.
            ["ReasoningStart_Full"] = new ReasoningStartEvent { MessageId = "rs1", SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("r") },
            ["ReasoningMessageStart_Full"] = new ReasoningMessageStartEvent
            {
                MessageId = "rm1", SubagentRunId = "sa1", Timestamp = Now, RawEvent = Raw(), Metadata = Meta("r"),
            },
            ["ReasoningMessageContent_Full"] = new ReasoningMessageContentEvent
            {
                MessageId = "rm1", Delta = "Thinking", SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("r"),
            },
            ["ReasoningMessageContent_EmptyDelta"] = new ReasoningMessageContentEvent { MessageId = "rm1", Delta = string.Empty },
            ["ReasoningMessageEnd_Full"] = new ReasoningMessageEndEvent { MessageId = "rm1", SubagentRunId = "sa1", Timestamp = Now },
            ["ReasoningMessageChunk_Full"] = new ReasoningMessageChunkEvent
            {
                MessageId = "rm2", Delta = "more", SubagentRunId = "sa1", Timestamp = Now, Metadata = Meta("r"),
            },
            ["ReasoningEnd_Full"] = new ReasoningEndEvent { MessageId = "rs1", SubagentRunId = "sa1", Timestamp = Now },
            ["ReasoningEncryptedValue_Message"] = new ReasoningEncryptedValueEvent
            {
                Subtype = EncryptedValueSubtype.Message, EntityId = "m1", EncryptedValue = "gAAAA...", SubagentRunId = "sa1",
                Timestamp = Now, Metadata = Meta("r"),
            },
            ["ReasoningEncryptedValue_ToolCall"] = new ReasoningEncryptedValueEvent
            {
                Subtype = EncryptedValueSubtype.ToolCall, EntityId = "c1", EncryptedValue = "gAAAB...",
            },

            // Subagents.
            ["SubagentStarted_Full"] = new SubagentStartedEvent
            {
                SubagentRunId = "sa2", Name = "researcher", Description = "Finds sources", ParentSubagentRunId = "sa1",
                ParentToolCallId = "c1", ParentMessageId = "m1", Timestamp = Now, RawEvent = Raw(), Metadata = Meta("sub"),
            },
            ["SubagentFinished_Suspended"] = new SubagentFinishedEvent
            {
                SubagentRunId = "sa2", Result = Json("[1,2,3]"), Outcome = new SubagentSuspendedOutcome { InterruptIds = ["i1", "i2"] },
                Timestamp = Now, Metadata = Meta("sub"),
            },
            ["SubagentFinished_Success"] = new SubagentFinishedEvent
            {
                SubagentRunId = "sa2", Result = Json("\"done\""), Outcome = new SubagentSuccessOutcome(),
            },
            ["SubagentError_Full"] = new SubagentErrorEvent
            {
                SubagentRunId = "sa2", Message = "Tool crashed", Code = "tool_error", Timestamp = Now, RawEvent = Raw(),
                Metadata = Meta("sub"),
            },
        };

        return samples;
    }

    private static IReadOnlyDictionary<string, AgUiEvent> BuildSparse()
    {
        return new Dictionary<string, AgUiEvent>(StringComparer.Ordinal)
        {
            ["TextMessageStart_Sparse"] = new TextMessageStartEvent { MessageId = "m1" },
            ["TextMessageContent_Sparse"] = new TextMessageContentEvent { MessageId = "m1", Delta = "x" },
            ["TextMessageEnd_Sparse"] = new TextMessageEndEvent { MessageId = "m1" },
            ["TextMessageChunk_Sparse"] = new TextMessageChunkEvent(),
            ["ToolCallStart_Sparse"] = new ToolCallStartEvent { ToolCallId = "c1", ToolCallName = "search" },
            ["ToolCallArgs_Sparse"] = new ToolCallArgsEvent { ToolCallId = "c1", Delta = "{}" },
            ["ToolCallEnd_Sparse"] = new ToolCallEndEvent { ToolCallId = "c1" },
            ["ToolCallChunk_Sparse"] = new ToolCallChunkEvent(),
            ["ToolCallResult_Sparse"] = new ToolCallResultEvent { MessageId = "tm1", ToolCallId = "c1", Content = "ok" },
            ["ToolCallResult_SparseParts"] = new ToolCallResultEvent
            {
                MessageId = "tm1", ToolCallId = "c1",
                Content = MessageContent.FromParts(
                [
                    new TextPart { Text = "t" },
                    new ImagePart { Source = new UrlSource { Value = "https://example.com/a.png" } },
                    new DocumentPart { Source = new FileSource { Value = "file-1" } },
                ]),
            },
            ["StateSnapshot_Sparse"] = new StateSnapshotEvent { Snapshot = Json("{}") },
            ["StateDelta_Sparse"] = new StateDeltaEvent { Delta = Json("[]") },
            ["MessagesSnapshot_Sparse"] = new MessagesSnapshotEvent
            {
                Messages =
                [
                    new DeveloperMessage { Id = "1", Content = "d" },
                    new SystemMessage { Id = "2", Content = "s" },
                    new UserMessage { Id = "3", Content = "u" },
                    new AssistantMessage
                    {
                        Id = "4",
                        ToolCalls = [new ToolCall { Id = "c1", Function = new FunctionCall { Name = "f", Arguments = "{}" } }],
                    },
                    new AssistantMessage { Id = "5" },
                    new ToolMessage { Id = "6", Content = "r", ToolCallId = "c1" },
                    new ActivityMessage { Id = "7", ActivityType = "a", Content = Json("{}") },
                    new ReasoningMessage { Id = "8", Content = "r" },
                ],
            },
            ["ActivitySnapshot_Sparse"] = new ActivitySnapshotEvent { MessageId = "a1", ActivityType = "a", Content = Json("{}") },
            ["ActivityDelta_Sparse"] = new ActivityDeltaEvent { MessageId = "a1", ActivityType = "a", Patch = Json("[]") },
            ["Raw_Sparse"] = new RawEvent { Event = Json("{}") },
            ["Custom_Sparse"] = new CustomEvent { Name = "app.x", Value = Json("1") },
            ["RunStarted_Sparse"] = new RunStartedEvent { ThreadId = "t1", RunId = "r1" },
            ["RunStarted_SparseInput"] = new RunStartedEvent
            {
                ThreadId = "t1", RunId = "r1", Input = new RunAgentInput { ThreadId = "t1", RunId = "r1", Messages = [] },
            },
            ["RunFinished_Sparse"] = new RunFinishedEvent { ThreadId = "t1", RunId = "r1" },
            ["RunFinished_SparseOutcomes"] = new RunFinishedEvent
            {
                ThreadId = "t1", RunId = "r1",
                Outcome = new InterruptOutcome { Interrupts = [new Interrupt { Id = "i1", Reason = InterruptReasons.Confirmation }] },
                Usage = [new TokenUsage()],
            },
            ["RunFinished_SparseSuccess"] = new RunFinishedEvent { ThreadId = "t1", RunId = "r1", Outcome = new SuccessOutcome() },
            ["RunError_Sparse"] = new RunErrorEvent { Message = "failed" },
            ["StepStarted_Sparse"] = new StepStartedEvent { StepName = "s" },
            ["StepFinished_Sparse"] = new StepFinishedEvent { StepName = "s" },
            ["ReasoningStart_Sparse"] = new ReasoningStartEvent { MessageId = "rs1" },
            ["ReasoningMessageStart_Sparse"] = new ReasoningMessageStartEvent { MessageId = "rm1" },
            ["ReasoningMessageContent_Sparse"] = new ReasoningMessageContentEvent { MessageId = "rm1", Delta = "x" },
            ["ReasoningMessageEnd_Sparse"] = new ReasoningMessageEndEvent { MessageId = "rm1" },
            ["ReasoningMessageChunk_Sparse"] = new ReasoningMessageChunkEvent(),
            ["ReasoningEnd_Sparse"] = new ReasoningEndEvent { MessageId = "rs1" },
            ["ReasoningEncryptedValue_Sparse"] = new ReasoningEncryptedValueEvent
            {
                Subtype = EncryptedValueSubtype.Message, EntityId = "m1", EncryptedValue = "e",
            },
            ["SubagentStarted_Sparse"] = new SubagentStartedEvent { SubagentRunId = "sa1", Name = "n" },
            ["SubagentFinished_Sparse"] = new SubagentFinishedEvent { SubagentRunId = "sa1" },
            ["SubagentFinished_SparseSuspended"] = new SubagentFinishedEvent { SubagentRunId = "sa1", Outcome = new SubagentSuspendedOutcome() },
            ["SubagentError_Sparse"] = new SubagentErrorEvent { SubagentRunId = "sa1", Message = "m" },
        };
    }

    private static List<ContentPart> AllParts() =>
    [
        new TextPart { Id = "p1", Text = "Here is the chart.", Metadata = Json("""{"lang":"en"}""") },
        new ImagePart { Id = "p2", Source = new DataSource { Value = "aGk=", MimeType = "image/png" }, Metadata = Json("[1,2]") },
        new AudioPart { Id = "p3", Source = new UrlSource { Value = "https://example.com/a.mp3", MimeType = "audio/mpeg" }, Metadata = Json("\"m\"") },
        new VideoPart { Source = new UrlSource { Value = "https://example.com/v.mp4" } },
        new DocumentPart
        {
            Id = "p5", Source = new FileSource { Value = "file-abc123", Provider = "openai", MimeType = "application/pdf" },
            Metadata = Json("42"),
        },
    ];

    private static List<Message> EveryRole() =>
    [
        new DeveloperMessage { Id = "1", Content = "be brief", Name = "ops", EncryptedValue = "ev1", SubagentRunId = "sa1", Metadata = Json("""{"k":null}""") },
        new SystemMessage { Id = "2", Content = "you are an agent", Name = "sys", EncryptedValue = "ev2", Metadata = Json("{}") },
        new UserMessage { Id = "3", Content = "hello", Name = "alice", SubagentRunId = "sa1" },
        new UserMessage { Id = "3b", Content = MessageContent.FromParts(AllParts()), EncryptedValue = "ev3", Metadata = Json("""{"k":1}""") },
        new AssistantMessage
        {
            Id = "4", Content = "hi", Name = "bot", EncryptedValue = "ev4", SubagentRunId = "sa1", Metadata = Json("{}"),
            ToolCalls =
            [
                new ToolCall
                {
                    Id = "c1", Function = new FunctionCall { Name = "search", Arguments = "{\"q\":\"x\"}" },
                    EncryptedValue = "ev5", Metadata = Json("""{"approved":true}"""),
                },
                new ToolCall { Id = "c2", Function = new FunctionCall { Name = "noop", Arguments = string.Empty } },
            ],
        },
        new ToolMessage { Id = "5", Content = "3 results", ToolCallId = "c1", Error = "partial", EncryptedValue = "ev6", SubagentRunId = "sa1", Metadata = Json("{}") },
        new ToolMessage { Id = "5b", Content = MessageContent.FromParts(AllParts()), ToolCallId = "c2" },
        new ActivityMessage { Id = "6", ActivityType = "search", Content = Json("""{"hits":3}"""), SubagentRunId = "sa1", Metadata = Json("{}") },
        new ReasoningMessage { Id = "7", Content = "weighing options", EncryptedValue = "ev7", SubagentRunId = "sa1", Metadata = Json("{}") },
    ];

    private static TokenUsage FullUsage() => new()
    {
        Provider = "openai", Model = "gpt-5", InputTokens = 1200, OutputTokens = 300, TotalTokens = 1500,
        ReasoningTokens = 120, CachedInputTokens = 800, CacheWriteInputTokens = 9_007_199_254_740_991,
    };

    private static RunAgentInput FullInput() => new()
    {
        ThreadId = "t1", RunId = "r2", ProtocolVersion = "1.0", ParentRunId = "r1",
        State = Json("""{"count":1,"n":null}"""),
        Messages = EveryRole(),
        Tools =
        [
            new Tool { Name = "search", Description = "Searches", Parameters = Json("""{"type":"object"}"""), Metadata = Json("""{"v":1}""") },
            new Tool { Name = "now", Description = "Clock" },
        ],
        Context = [new Context { Description = "locale", Value = "en-GB" }],
        ForwardedProps = Json("""{"ui":{"theme":null}}"""),
        Resume =
        [
            new ResumeEntry { InterruptId = "i1", Status = ResumeStatus.Resolved, Payload = Json("""{"approved":true}"""), Metadata = Json("""{"sig":"x"}""") },
            new ResumeEntry { InterruptId = "i2", Status = ResumeStatus.Cancelled },
        ],
    };
}
