using System.Security.Claims;
using System.Text;
using AutomagikHello.AgUi.Runs;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi;

/// <summary>
/// One run of an agent: its input and ids, the user it runs for, the host's services and values, and the helpers
/// through which the agent emits events. Nothing in it is HTTP: the ASP.NET Core host's request is reachable through
/// its <c>GetHttpContext</c> extension. The library has already written <c>RUN_STARTED</c> and writes the terminal event from the agent's
/// <see cref="AgentOutcome"/>; the agent cannot emit <c>RUN_STARTED</c>, <c>RUN_FINISHED</c> or <c>RUN_ERROR</c>.
/// </summary>
/// <remarks>
/// Every emit passes the AG-UI event-ordering rules before it is written; an event that breaks one ends the run with
/// <c>RUN_ERROR</c> (<c>PROTOCOL_VIOLATION</c>) and cancels the agent's token. Emits complete at once unless the
/// client reads slower than the agent writes. Once the run is stopped (cancelled, timed out, client gone) an emit
/// throws <see cref="OperationCanceledException"/>. Emit from one task at a time, in the order the events must go.
/// Events emitted before the agent's first await (one that does not complete at once) go out together when it awaits
/// or returns, so an agent should not block its thread before its first await; a stop still ends the stream meanwhile.
/// </remarks>
public sealed partial class AgUiRun
{
    private readonly RunEventQueue _queue;
    private ClaimsPrincipal? _user;

    internal AgUiRun(
        RunAgentInput input,
        RunEventQueue queue,
        IReadOnlyList<ResumeAnswer>? resume,
        ClaimsPrincipal? user,
        IServiceProvider services,
        CancellationToken cancellationToken,
        IDictionary<object, object?>? items = null)
    {
        Input = input;
        _queue = queue;
        Resume = resume ?? [];
        _user = user;
        Services = services;
        CancellationToken = cancellationToken;
        Items = items ?? new Dictionary<object, object?>();
    }

    /// <summary>
    /// The answers this run resumes with, validated by the thread store and joined with the interrupts they answer
    /// (in the order the interrupts were raised); empty when the run resumes nothing. Decisions recorded out of band
    /// are included. For tool approvals, read them with <see cref="ToolApproval.From(ResumeAnswer)"/>. Give each
    /// answer's <see cref="ResumeAnswer.IdempotencyKey"/> to the side effect it triggers: after a crash left an answer
    /// in doubt, a re-approval (<see cref="ResumeAnswer.IsReapproval"/>) runs the agent again with the same key.
    /// </summary>
    public IReadOnlyList<ResumeAnswer> Resume { get; }

    /// <summary>The validated input of the run.</summary>
    public RunAgentInput Input { get; }

    /// <summary>The conversation (<see cref="RunAgentInput.ThreadId"/>).</summary>
    public string ThreadId => Input.ThreadId;

    /// <summary>The run (<see cref="RunAgentInput.RunId"/>).</summary>
    public string RunId => Input.RunId;

    /// <summary>The host's services (for HTTP: scoped to the request).</summary>
    public IServiceProvider Services { get; }

    /// <summary>
    /// The user the run is for (for HTTP: the request's authenticated user); for a caller nobody authenticated, an
    /// unauthenticated principal, made when first read (the same one on every read).
    /// </summary>
    public ClaimsPrincipal User => Volatile.Read(ref _user) ?? Anonymous();

    private ClaimsPrincipal Anonymous()
    {
        Interlocked.CompareExchange(ref _user, new ClaimsPrincipal(new ClaimsIdentity()), null);
        return _user;
    }

    /// <summary>
    /// Fires when the run must stop; the token also given to <see cref="IAgUiAgent.RunAsync"/>, for code that has the
    /// run but not the token.
    /// </summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>
    /// Values the host gives the run, and the agent may keep for the run's length (a property bag, keyed by object
    /// so that one owner's key cannot collide with another's).
    /// </summary>
    public IDictionary<object, object?> Items { get; }

    /// <summary>
    /// The text of the last user message in <see cref="RunAgentInput.Messages"/> (the text parts of a multimodal
    /// message joined), or <see langword="null"/> when there is none.
    /// </summary>
    /// <returns>The text, or <see langword="null"/>.</returns>
    public string? GetLastUserText()
    {
        var messages = Input.Messages;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i] is UserMessage user)
            {
                return TextOf(user.Content);
            }
        }

        return null;
    }

    private static string TextOf(MessageContent content)
    {
        if (content.IsText)
        {
            return content.Text ?? string.Empty;
        }

        var text = new StringBuilder();
        foreach (var part in content.Parts ?? [])
        {
            if (part is TextPart textPart)
            {
                text.Append(textPart.Text);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Emits any event except the run's own lifecycle events. Prefer the typed helpers (<see cref="SendTextMessageAsync"/>,
    /// <see cref="StartToolCallAsync"/>, …) unless the event has no helper.
    /// </summary>
    /// <param name="agUiEvent">The event.</param>
    /// <returns>A task that completes when the event is queued for the stream.</returns>
    /// <exception cref="InvalidOperationException">
    /// The event is <c>RUN_STARTED</c>, <c>RUN_FINISHED</c> or <c>RUN_ERROR</c> (the run then ends with
    /// <c>PROTOCOL_VIOLATION</c>), or the run has already ended.
    /// </exception>
    /// <exception cref="OperationCanceledException">The run was stopped.</exception>
    public ValueTask EmitAsync(AgUiEvent agUiEvent)
    {
        ArgumentNullException.ThrowIfNull(agUiEvent);
        var type = agUiEvent.EventType;
        if (type is AgUiEventType.RunStarted or AgUiEventType.RunFinished or AgUiEventType.RunError)
        {
            _queue.RecordLifecycleMisuse(type);
            throw new InvalidOperationException(
                $"An agent cannot emit {type.ToWireName()}: the library writes the run's lifecycle events. Return an AgentOutcome to end the run, or throw to fail it.");
        }

        return _queue.EnqueueAsync(agUiEvent);
    }

    /// <summary>Creates a new unique id for a message, tool call or activity.</summary>
    /// <returns>A new id (32 hexadecimal digits).</returns>
    public static string NewId() => Guid.NewGuid().ToString("N");

    private static ValueTask<T> After<T>(ValueTask emitted, T value)
    {
        if (emitted.IsCompletedSuccessfully)
        {
            return new ValueTask<T>(value);
        }

        return Await(emitted, value);

        static async ValueTask<T> Await(ValueTask emitted, T value)
        {
            await emitted.ConfigureAwait(false);
            return value;
        }
    }
}
