namespace AutomagikHello.AgUi.Sequencing;

/// <summary>Builds <see cref="SequenceViolation"/>s; called only once a rule is known to be broken.</summary>
internal static class Violations
{
    public static SequenceViolation Of(SequenceRule rule, AgUiEventType type, string message) => new((int)rule, type, message);

    /// <summary>A message starting with the event's wire name, e.g. "TEXT_MESSAGE_CONTENT names ...".</summary>
    public static SequenceViolation Event(SequenceRule rule, AgUiEventType type, string rest) =>
        new((int)rule, type, EventNames.Of(type) + " " + rest);
}
