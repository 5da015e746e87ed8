using Microsoft.Extensions.AI;

namespace AutomagikHello.AgUi.Extensions.AI;

/// <summary>How a <see cref="ChatClientAgUiAgent"/> talks to its chat client.</summary>
public sealed class ChatClientAgUiAgentOptions : IModelInputOptions
{
    /// <summary>The system prompt, sent first as a <see cref="ChatRole.System"/> message; none when <see langword="null"/>.</summary>
    public string? Instructions { get; set; }

    /// <summary>
    /// The chat options of every request (model, temperature, …), cloned per run. Tools in it are served like
    /// <see cref="Tools"/>; a name listed more than once (here or in both) is declared and served once, as the first.
    /// </summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>
    /// The server tools. <see cref="AIFunction"/>s run through Microsoft.Extensions.AI's
    /// <see cref="FunctionInvokingChatClient"/>; wrap one in <see cref="ApprovalRequiredAIFunction"/> and every call to
    /// it ends the run with a <c>tool_call</c> interrupt.
    /// </summary>
    public IList<AITool> Tools { get; } = [];

    /// <summary>
    /// Whether the input's <c>context</c> entries reach the model, in the context message (see
    /// <see cref="ChatClientAgUiAgent"/>). Default <see langword="true"/>.
    /// </summary>
    public bool SendContext { get; set; } = true;

    /// <summary>
    /// Whether the input's <c>state</c> (when it is not an empty object) reaches the model, as JSON in the context
    /// message. Default <see langword="true"/>.
    /// </summary>
    public bool SendState { get; set; } = true;

    /// <summary>How long a tool approval stays answerable; <see langword="null"/> (the default) for no limit.</summary>
    public TimeSpan? ApprovalTimeToLive { get; set; }
}
