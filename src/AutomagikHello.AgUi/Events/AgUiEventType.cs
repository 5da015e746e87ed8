namespace AutomagikHello.AgUi;

/// <summary>The 31 event types of AG-UI 1.0. The wire name of each is its UPPER_SNAKE_CASE form.</summary>
public enum AgUiEventType
{
    /// <summary><c>TEXT_MESSAGE_START</c>.</summary>
    TextMessageStart,
    /// <summary><c>TEXT_MESSAGE_CONTENT</c>.</summary>
    TextMessageContent,
    /// <summary><c>TEXT_MESSAGE_END</c>.</summary>
    TextMessageEnd,
    /// <summary><c>TEXT_MESSAGE_CHUNK</c>.</summary>
    TextMessageChunk,
    /// <summary><c>TOOL_CALL_START</c>.</summary>
    ToolCallStart,
    /// <summary><c>TOOL_CALL_ARGS</c>.</summary>
    ToolCallArgs,
    /// <summary><c>TOOL_CALL_END</c>.</summary>
    ToolCallEnd,
    /// <summary><c>TOOL_CALL_CHUNK</c>.</summary>
    ToolCallChunk,
    /// <summary><c>TOOL_CALL_RESULT</c>.</summary>
    ToolCallResult,
    /// <summary><c>STATE_SNAPSHOT</c>.</summary>
    StateSnapshot,
    /// <summary><c>STATE_DELTA</c>.</summary>
    StateDelta,
    /// <summary><c>MESSAGES_SNAPSHOT</c>.</summary>
    MessagesSnapshot,
    /// <summary><c>ACTIVITY_SNAPSHOT</c>.</summary>
    ActivitySnapshot,
    /// <summary><c>ACTIVITY_DELTA</c>.</summary>
    ActivityDelta,
    /// <summary><c>RAW</c>.</summary>
    Raw,
    /// <summary><c>CUSTOM</c>.</summary>
    Custom,
    /// <summary><c>RUN_STARTED</c>.</summary>
    RunStarted,
    /// <summary><c>RUN_FINISHED</c>.</summary>
    RunFinished,
    /// <summary><c>RUN_ERROR</c>.</summary>
    RunError,
    /// <summary><c>STEP_STARTED</c>.</summary>
    StepStarted,
    /// <summary><c>STEP_FINISHED</c>.</summary>
    StepFinished,
    /// <summary><c>REASONING_START</c>.</summary>
    ReasoningStart,
    /// <summary><c>REASONING_MESSAGE_START</c>.</summary>
    ReasoningMessageStart,
    /// <summary><c>REASONING_MESSAGE_CONTENT</c>.</summary>
    ReasoningMessageContent,
    /// <summary><c>REASONING_MESSAGE_END</c>.</summary>
    ReasoningMessageEnd,
    /// <summary><c>REASONING_MESSAGE_CHUNK</c>.</summary>
    ReasoningMessageChunk,
    /// <summary><c>REASONING_END</c>.</summary>
    ReasoningEnd,
    /// <summary><c>REASONING_ENCRYPTED_VALUE</c>.</summary>
    ReasoningEncryptedValue,
    /// <summary><c>SUBAGENT_STARTED</c>.</summary>
    SubagentStarted,
    /// <summary><c>SUBAGENT_FINISHED</c>.</summary>
    SubagentFinished,
    /// <summary><c>SUBAGENT_ERROR</c>.</summary>
    SubagentError,
}
