using System.Text.Json;

namespace AutomagikHello.AgUi.Sequencing;

/// <summary>
/// What an <see cref="EventSequenceGuard"/> knows about the request a stream answers. Every member is optional;
/// a member left unset disables only the checks that need it. <see cref="EventSequenceGuard.For(RunAgentInput)"/>
/// fills all of them from a <see cref="RunAgentInput"/>.
/// </summary>
public sealed class EventSequenceGuardOptions
{
    /// <summary>The input's <c>threadId</c>: every <c>RUN_STARTED</c> on the stream must carry it.</summary>
    public string? ExpectedThreadId { get; init; }

    /// <summary>The input's <c>runId</c>: the last run on the stream (the requested one) must carry it.</summary>
    public string? ExpectedRunId { get; init; }

    /// <summary>The names of the frontend tools offered in the input; the producer must not answer their calls.</summary>
    public IReadOnlyCollection<string>? FrontendToolNames { get; init; }

    /// <summary>
    /// The ids of the input's history messages. Restating them in <c>MESSAGES_SNAPSHOT</c> is fine; streaming them
    /// again as text or reasoning messages (or minting a tool result with such an id) is a violation.
    /// </summary>
    public IReadOnlyCollection<string>? HistoryMessageIds { get; init; }

    /// <summary>The input's <c>state</c>, against which <c>STATE_DELTA</c>s apply until a snapshot; absent means <c>{}</c>.</summary>
    public JsonElement? InitialState { get; init; }
}
