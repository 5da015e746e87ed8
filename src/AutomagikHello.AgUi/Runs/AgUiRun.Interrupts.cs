using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace AutomagikHello.AgUi;

public sealed partial class AgUiRun
{
    private static readonly JsonElement ToolApprovalSchema = JsonDocument.Parse(
        """{"type":"object","properties":{"approved":{"type":"boolean"},"editedArgs":{"type":"object"}},"required":["approved"]}""").RootElement;

    private static readonly JsonElement ConfirmationSchema = JsonDocument.Parse("""{"type":"boolean"}""").RootElement;

    private HashSet<string>? _interruptIds;
    private HashSet<string>? _approverOnlyIds;

    /// <summary>
    /// An interrupt asking a human to approve the tool call <paramref name="toolCallId"/> this run just streamed
    /// (reason <c>tool_call</c>; payload <c>{"approved": boolean, "editedArgs"?: object}</c>, where <c>editedArgs</c>
    /// replaces the arguments). End the run with it: <c>return AgentOutcome.Interrupt(run.RequestToolApproval(call.Id));</c>
    /// The server stores the call's own name and arguments; on resume read the decision with
    /// <see cref="Threads.ToolApproval.From"/> and emit <c>TOOL_CALL_RESULT</c> against the same id.
    /// </summary>
    /// <param name="toolCallId">The tool call to approve (closed with <c>TOOL_CALL_END</c> in this run).</param>
    /// <param name="message">What to show the reviewer.</param>
    /// <param name="expiresAt">When the approval lapses (it can still be cancelled afterwards).</param>
    /// <returns>The interrupt, with a new unguessable id.</returns>
    public Interrupt RequestToolApproval(string toolCallId, string? message = null, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolCallId);
        return CreateInterrupt(InterruptReasons.ToolCall, message, ToolApprovalSchema, expiresAt, toolCallId);
    }

    /// <summary>An interrupt asking for structured input (reason <c>input_required</c>) shaped by <paramref name="responseSchema"/>.</summary>
    /// <param name="message">What to ask.</param>
    /// <param name="responseSchema">The JSON Schema (an object) the answer's payload must satisfy.</param>
    /// <param name="expiresAt">When the question lapses.</param>
    /// <returns>The interrupt, with a new unguessable id.</returns>
    public Interrupt RequestInput(string message, JsonElement responseSchema, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return CreateInterrupt(InterruptReasons.InputRequired, message, responseSchema, expiresAt);
    }

    /// <summary>A yes/no question not bound to a tool (reason <c>confirmation</c>; payload a boolean).</summary>
    /// <param name="message">The question.</param>
    /// <param name="expiresAt">When the question lapses.</param>
    /// <returns>The interrupt, with a new unguessable id.</returns>
    public Interrupt RequestConfirmation(string message, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return CreateInterrupt(InterruptReasons.Confirmation, message, ConfirmationSchema, expiresAt);
    }

    /// <summary>
    /// An interrupt with any reason: namespace custom ones as <c>framework:name</c> (e.g. <c>voice:human_handoff</c>).
    /// </summary>
    /// <param name="reason">Why the run asks.</param>
    /// <param name="message">What to show.</param>
    /// <param name="responseSchema">The JSON Schema (an object) of the expected payload, if any.</param>
    /// <param name="expiresAt">When it lapses.</param>
    /// <param name="toolCallId">The tool call it concerns, if any.</param>
    /// <param name="metadata">Framework-specific data (a JSON object).</param>
    /// <returns>The interrupt, with a new unguessable id.</returns>
    public Interrupt CreateInterrupt(
        string reason,
        string? message = null,
        JsonElement? responseSchema = null,
        DateTimeOffset? expiresAt = null,
        string? toolCallId = null,
        JsonElement? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        if (responseSchema is { ValueKind: not JsonValueKind.Object })
        {
            throw new ArgumentException("A response schema must be a JSON object.", nameof(responseSchema));
        }

        return new Interrupt
        {
            Id = NewInterruptId(_interruptIds ??= new HashSet<string>(StringComparer.Ordinal)),
            Reason = reason,
            Message = message,
            ToolCallId = toolCallId,
            ResponseSchema = responseSchema,
            ExpiresAt = expiresAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            Metadata = metadata,
        };
    }

    /// <summary>
    /// Marks <paramref name="interrupt"/> (created by this run) as one only an approver may resolve: a policy hold, a
    /// hand-off to a human supervisor. The thread's owner can then only cancel it, in a resume or through
    /// <c>POST {agent}/threads/{threadId}/interrupts/{interruptId}</c>; a caller satisfying
    /// <c>AgUiOptions.ApproverPolicy</c> resolves it through that endpoint, and the owner's next resume
    /// carries the decision. Without an approver policy nobody can resolve it (it fails closed).
    /// </summary>
    /// <param name="interrupt">An interrupt this run created.</param>
    /// <returns><paramref name="interrupt"/>, to end the run with it.</returns>
    /// <exception cref="ArgumentException">The interrupt was not created by this run.</exception>
    public Interrupt RequireApprover(Interrupt interrupt)
    {
        ArgumentNullException.ThrowIfNull(interrupt);
        if (_interruptIds?.Contains(interrupt.Id) != true)
        {
            throw new ArgumentException("Only an interrupt created by this run can require an approver.", nameof(interrupt));
        }

        (_approverOnlyIds ??= new HashSet<string>(StringComparer.Ordinal)).Add(interrupt.Id);
        return interrupt;
    }

    /// <summary>Whether <see cref="RequireApprover"/> marked the interrupt <paramref name="interruptId"/>.</summary>
    internal bool RequiresApprover(string interruptId) => _approverOnlyIds?.Contains(interruptId) == true;

    /// <summary>
    /// 128 random bits, URL-safe: unguessable, so a client cannot answer an interrupt it was never shown; and checked
    /// against the ids this run already issued, so they are unique within the run by construction.
    /// </summary>
    private static string NewInterruptId(HashSet<string> issued)
    {
        Span<byte> bytes = stackalloc byte[16];
        string id;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            id = "int_" + Base64Url.EncodeToString(bytes);
        }
        while (!issued.Add(id));

        return id;
    }
}
