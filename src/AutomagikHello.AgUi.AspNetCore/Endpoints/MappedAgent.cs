namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>One agent mapped by <c>MapAgUi</c>: the agent and what its endpoints serve about it.</summary>
internal sealed class MappedAgent(IAgUiAgent agent, string name)
{
    /// <summary>The agent's name in thread keys: its mapped route, so its threads are its own.</summary>
    public string Name { get; } = name;

    /// <summary>The agent; also the key of its runs for <see cref="AgUiRunner.Cancel(IAgUiAgent, string, string)"/>.</summary>
    public IAgUiAgent Agent { get; } = agent;

    /// <summary>The capabilities declared for this agent, replacing <see cref="AgUiOptions.Capabilities"/>.</summary>
    public AgentCapabilities? Capabilities { get; set; }

    /// <summary>How this agent's runs are logged for reconnects, or <see langword="null"/> when they are not.</summary>
    public AgUiEventLogOptions? EventLog { get; set; }
}
