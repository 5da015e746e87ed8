using AutomagikHello.AgUi.Extensions.AI;

namespace AutomagikHello.AgUi.Agents.AI;

/// <summary>How an <see cref="AgentFrameworkAgUiAgent"/> gives each run's input to its Agent Framework agent.</summary>
/// <remarks>The instructions, chat options and tools are the agent's own (e.g. <c>ChatClientAgentOptions</c>).</remarks>
public sealed class AgentFrameworkAgUiAgentOptions : IModelInputOptions
{
    /// <summary>
    /// Whether the input's <c>context</c> entries reach the agent, in one system message before the history (the same
    /// message as <see cref="ChatClientAgUiAgent"/> sends). Default <see langword="true"/>.
    /// </summary>
    public bool SendContext { get; set; } = true;

    /// <summary>
    /// Whether the input's <c>state</c> (when it is not an empty object) reaches the agent, as JSON in that system
    /// message. Default <see langword="true"/>.
    /// </summary>
    public bool SendState { get; set; } = true;

    /// <summary>How long a tool approval stays answerable; <see langword="null"/> (the default) for no limit.</summary>
    public TimeSpan? ApprovalTimeToLive { get; set; }

    /// <summary>The agent brings its own instructions.</summary>
    string? IModelInputOptions.Instructions => null;
}
