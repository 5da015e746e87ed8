namespace AutomagikHello.AgUi.Sequencing;

/// <summary>Builds <see cref="SequenceViolation"/>s; called only once a rule is known to be broken.</summary>
internal static class Violations
{
    public static SequenceViolation Of(int rule, AgUiEventType type, string message) => new(rule, type, message);

    /// <summary>A message starting with the event's wire name, e.g. "TEXT_MESSAGE_CONTENT names ...".</summary>
    public static SequenceViolation Event(int rule, AgUiEventType type, string rest) =>
        new(rule, type, EventNames.Of(type) + " " + rest);
}
