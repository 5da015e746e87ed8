namespace AutomagikHello.AgUi.Sequencing;

/// <summary>Wire names used in violation messages (only ever read on the failure path).</summary>
internal static class EventNames
{
    public static string Of(AgUiEventType type) => type.ToWireName();

    public static string Role(TextMessageRole role) => role switch
    {
        TextMessageRole.User => "user",
        TextMessageRole.System => "system",
        TextMessageRole.Developer => "developer",
        _ => "assistant",
    };

    /// <summary>"the parent agent" or "subagent 's1'".</summary>
    public static string Owner(string? owner) => owner is null ? "the parent agent" : "subagent '" + owner + "'";

    public static string Quoted(string? value) => value is null ? "(none)" : "'" + value + "'";
}
