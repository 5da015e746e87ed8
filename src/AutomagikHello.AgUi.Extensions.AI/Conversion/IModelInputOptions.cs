namespace AutomagikHello.AgUi.Extensions.AI;

/// <summary>
/// What every model adapter's options say about one run's input and approvals: shared by
/// <see cref="ChatClientAgUiAgentOptions"/> and the Agent Framework adapter's options, so both send the model the
/// same conversation and raise the same approvals.
/// </summary>
internal interface IModelInputOptions
{
    /// <summary>The system prompt sent first; <see langword="null"/> when the model has its own (an Agent Framework agent).</summary>
    string? Instructions { get; }

    /// <summary>Whether the input's <c>context</c> reaches the model.</summary>
    bool SendContext { get; }

    /// <summary>Whether the input's <c>state</c> reaches the model.</summary>
    bool SendState { get; }

    /// <summary>How long an approval raised by the run stays answerable.</summary>
    TimeSpan? ApprovalTimeToLive { get; }
}
