using AutomagikHello.AgUi.Serialization;

namespace AutomagikHello.AgUi;

/// <summary>Helpers for <see cref="AgUiEventType"/>.</summary>
public static class AgUiEventTypeExtensions
{
    /// <summary>The wire name of the event type, e.g. <c>TEXT_MESSAGE_CONTENT</c>.</summary>
    public static string ToWireName(this AgUiEventType type) => EventTypeTable.WireName(type);
}
