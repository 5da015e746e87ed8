using AutomagikHello.AgUi.Sequencing;

namespace AutomagikHello.AgUi.Tests.Sequencing;

/// <summary>Assertions that feed whole sequences to a guard.</summary>
internal static class GuardAssert
{
    /// <summary>Every event passes and the stream may end after them.</summary>
    public static void Legal(EventSequenceGuard guard, params AgUiEvent[] events)
    {
        Prefix(guard, events, events.Length);
        guard.Complete().Should().BeNull("the stream ended after a legal sequence");
    }

    /// <summary>Every event passes (the stream is not complete yet).</summary>
    public static void Accepted(EventSequenceGuard guard, params AgUiEvent[] events) => Prefix(guard, events, events.Length);

    /// <summary>Every event but the last passes; the last one breaks <paramref name="rule"/>.</summary>
    public static SequenceViolation Violates(EventSequenceGuard guard, int rule, params AgUiEvent[] events)
    {
        Prefix(guard, events, events.Length - 1);
        var last = events[^1];
        var violation = guard.Check(last);
        violation.Should().NotBeNull($"{last.EventType} should break rule {rule}");
        violation!.Rule.Should().Be(rule, violation.Message);
        violation.EventType.Should().Be(last.EventType);
        return violation;
    }

    public static void Legal(params AgUiEvent[] events) => Legal(new EventSequenceGuard(), events);

    public static SequenceViolation Violates(int rule, params AgUiEvent[] events) => Violates(new EventSequenceGuard(), rule, events);

    private static void Prefix(EventSequenceGuard guard, AgUiEvent[] events, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var violation = guard.Check(events[i]);
            violation.Should().BeNull($"event {i} ({events[i].EventType}) is legal, but the guard said: {violation}");
        }
    }
}
