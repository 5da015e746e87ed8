using System.Globalization;

namespace AutomagikHello.AgUi.Sequencing;

/// <summary>
/// A broken event-ordering rule, reported by <see cref="EventSequenceGuard"/>. <see cref="Rule"/> is the number of
/// the rule in the library's list of producer ordering rules (1 to 43), so a host can log or count violations by rule.
/// </summary>
public sealed class SequenceViolation
{
    /// <summary>Creates a violation.</summary>
    /// <param name="rule">The number of the broken rule.</param>
    /// <param name="eventType">The event that broke it, or <see langword="null"/> when the end of the stream did.</param>
    /// <param name="message">A readable description that names the ids involved.</param>
    public SequenceViolation(int rule, AgUiEventType? eventType, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Rule = rule;
        EventType = eventType;
        Message = message;
    }

    /// <summary>The number of the broken rule.</summary>
    public int Rule { get; }

    /// <summary>
    /// The type of the rejected event; <see langword="null"/> when the violation was found at the end of the stream
    /// (<see cref="EventSequenceGuard.Complete"/>).
    /// </summary>
    public AgUiEventType? EventType { get; }

    /// <summary>A readable description naming the ids involved, e.g. <c>TEXT_MESSAGE_CONTENT names message 'm9' which is not open</c>.</summary>
    public string Message { get; }

    /// <summary>The violation as <c>rule N: message</c>.</summary>
    /// <returns>The rule number and the message.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"rule {Rule}: {Message}");
}
