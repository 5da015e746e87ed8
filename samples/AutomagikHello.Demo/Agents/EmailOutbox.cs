using System.Collections.Concurrent;

namespace AutomagikHello.Demo.Agents;

/// <summary>
/// Where the demo's approval agents "send" email: nothing leaves the process; each send is recorded per thread, so a
/// test can prove an approved action runs exactly once.
/// </summary>
public sealed class EmailOutbox
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SentEmail>> _sent = new(StringComparer.Ordinal);

    public void Send(string threadId, string toolCallId, string arguments) =>
        _sent.GetOrAdd(threadId, _ => new ConcurrentQueue<SentEmail>()).Enqueue(new SentEmail(toolCallId, arguments));

    public IReadOnlyList<SentEmail> SentOn(string threadId) =>
        _sent.TryGetValue(threadId, out var sent) ? [.. sent] : [];
}

/// <summary>One email the demo "sent": the tool call that sent it and the arguments it ran with.</summary>
public sealed record SentEmail(string ToolCallId, string Arguments);
