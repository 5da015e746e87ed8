using System.Text.Json;

namespace AutomagikHello.AgUi;

/// <summary>What an agent declares it supports (AG-UI 1.0 shape). Omitted means undeclared, not unsupported.</summary>
public sealed class AgentCapabilities
{
    /// <summary>What the agent is.</summary>
    public IdentityCapabilities? Identity { get; init; }

    /// <summary>How the agent streams.</summary>
    public TransportCapabilities? Transport { get; init; }

    /// <summary>Tool support.</summary>
    public ToolsCapabilities? Tools { get; init; }

    /// <summary>Output formats.</summary>
    public OutputCapabilities? Output { get; init; }

    /// <summary>Shared state support.</summary>
    public StateCapabilities? State { get; init; }

    /// <summary>Multi-agent support.</summary>
    public MultiAgentCapabilities? MultiAgent { get; init; }

    /// <summary>Reasoning support.</summary>
    public ReasoningCapabilities? Reasoning { get; init; }

    /// <summary>Multimodal support.</summary>
    public MultimodalCapabilities? Multimodal { get; init; }

    /// <summary>Execution limits.</summary>
    public ExecutionCapabilities? Execution { get; init; }

    /// <summary>Human-in-the-loop support.</summary>
    public HumanInTheLoopCapabilities? HumanInTheLoop { get; init; }

    /// <summary>Application-defined capabilities as a JSON object.</summary>
    public JsonElement? Custom { get; init; }
}

/// <summary>What the agent is.</summary>
public sealed class IdentityCapabilities
{
    /// <summary>The agent's name.</summary>
    public string? Name { get; init; }

    /// <summary>The kind of agent.</summary>
    public string? Type { get; init; }

    /// <summary>What the agent does.</summary>
    public string? Description { get; init; }

    /// <summary>The agent's version.</summary>
    public string? Version { get; init; }

    /// <summary>Who provides it.</summary>
    public string? Provider { get; init; }

    /// <summary>Where its documentation is.</summary>
    public string? DocumentationUrl { get; init; }

    /// <summary>Extra information as a JSON object.</summary>
    public JsonElement? Metadata { get; init; }
}

/// <summary>How the agent streams.</summary>
public sealed class TransportCapabilities
{
    /// <summary>Streams events.</summary>
    public bool? Streaming { get; init; }

    /// <summary>Offers a WebSocket binding.</summary>
    public bool? Websocket { get; init; }

    /// <summary>Offers the HTTP + Protobuf binding.</summary>
    public bool? HttpBinary { get; init; }

    /// <summary>Offers push notifications.</summary>
    public bool? PushNotifications { get; init; }

    /// <summary>Can resume interrupted streams.</summary>
    public bool? Resumable { get; init; }
}

/// <summary>Tool support.</summary>
public sealed class ToolsCapabilities
{
    /// <summary>Calls tools.</summary>
    public bool? Supported { get; init; }

    /// <summary>The agent's own tools.</summary>
    public IReadOnlyList<Tool>? Items { get; init; }

    /// <summary>Makes parallel calls.</summary>
    public bool? ParallelCalls { get; init; }

    /// <summary>Accepts frontend tools.</summary>
    public bool? ClientProvided { get; init; }
}

/// <summary>Output formats.</summary>
public sealed class OutputCapabilities
{
    /// <summary>Produces structured output.</summary>
    public bool? StructuredOutput { get; init; }

    /// <summary>Media types it produces.</summary>
    public IReadOnlyList<string>? SupportedMimeTypes { get; init; }
}

/// <summary>Shared state support.</summary>
public sealed class StateCapabilities
{
    /// <summary>Sends state snapshots.</summary>
    public bool? Snapshots { get; init; }

    /// <summary>Sends state deltas.</summary>
    public bool? Deltas { get; init; }

    /// <summary>Remembers across threads.</summary>
    public bool? Memory { get; init; }

    /// <summary>Persists state.</summary>
    public bool? PersistentState { get; init; }
}

/// <summary>Multi-agent support.</summary>
public sealed class MultiAgentCapabilities
{
    /// <summary>Works with other agents.</summary>
    public bool? Supported { get; init; }

    /// <summary>Delegates to other agents.</summary>
    public bool? Delegation { get; init; }

    /// <summary>Hands conversations off.</summary>
    public bool? Handoffs { get; init; }

    /// <summary>The subagents it may invoke.</summary>
    public IReadOnlyList<SubagentInfo>? Subagents { get; init; }
}

/// <summary>Reasoning support.</summary>
public sealed class ReasoningCapabilities
{
    /// <summary>Emits reasoning.</summary>
    public bool? Supported { get; init; }

    /// <summary>Streams reasoning.</summary>
    public bool? Streaming { get; init; }

    /// <summary>Emits encrypted reasoning.</summary>
    public bool? Encrypted { get; init; }
}

/// <summary>Media accepted as input.</summary>
public sealed class MultimodalInputCapabilities
{
    /// <summary>Images.</summary>
    public bool? Image { get; init; }

    /// <summary>Audio.</summary>
    public bool? Audio { get; init; }

    /// <summary>Video.</summary>
    public bool? Video { get; init; }

    /// <summary>PDF documents.</summary>
    public bool? Pdf { get; init; }

    /// <summary>Provider file handles.</summary>
    public bool? File { get; init; }
}

/// <summary>Media produced as output.</summary>
public sealed class MultimodalOutputCapabilities
{
    /// <summary>Images.</summary>
    public bool? Image { get; init; }

    /// <summary>Audio.</summary>
    public bool? Audio { get; init; }
}

/// <summary>Multimodal support.</summary>
public sealed class MultimodalCapabilities
{
    /// <summary>Media accepted.</summary>
    public MultimodalInputCapabilities? Input { get; init; }

    /// <summary>Media produced.</summary>
    public MultimodalOutputCapabilities? Output { get; init; }
}

/// <summary>Execution limits.</summary>
public sealed class ExecutionCapabilities
{
    /// <summary>Executes code.</summary>
    public bool? CodeExecution { get; init; }

    /// <summary>Executes in a sandbox.</summary>
    public bool? Sandboxed { get; init; }

    /// <summary>Most iterations per run.</summary>
    public long? MaxIterations { get; init; }

    /// <summary>Longest run, in milliseconds.</summary>
    public long? MaxExecutionTime { get; init; }
}

/// <summary>Human-in-the-loop support.</summary>
public sealed class HumanInTheLoopCapabilities
{
    /// <summary>Involves humans.</summary>
    public bool? Supported { get; init; }

    /// <summary>Asks for approvals.</summary>
    public bool? Approvals { get; init; }

    /// <summary>Accepts interventions.</summary>
    public bool? Interventions { get; init; }

    /// <summary>Accepts feedback.</summary>
    public bool? Feedback { get; init; }

    /// <summary>Ends runs with interrupts.</summary>
    public bool? Interrupts { get; init; }

    /// <summary>Accepts edited tool arguments on approval.</summary>
    public bool? ApproveWithEdits { get; init; }
}

/// <summary>A subagent an agent may invoke.</summary>
public sealed class SubagentInfo
{
    /// <summary>The subagent's name.</summary>
    public required string Name { get; init; }

    /// <summary>What it does.</summary>
    public string? Description { get; init; }
}
