using System.Collections.Concurrent;
using System.Text.Json;

namespace AutomagikHello.Demo.Agents;

/// <summary>
/// Where the demo's approval agents "send" email: nothing leaves the process; each send is recorded per thread, so a
/// test can prove an approved action runs exactly once. A send that names an idempotency key (the
/// <c>ResumeAnswer.IdempotencyKey</c> of the approval) happens at most once per key, as a real mail API's
/// idempotency key would make it. With a journal file (Development: <c>Demo:OutboxFile</c>) every send is appended to
/// it before the call returns and read back at start, so a send, and its key, survive a crash of the process.
/// </summary>
public sealed class EmailOutbox
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SentEmail>> _sent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly Lock _sending = new();
    private readonly string? _journal;

    /// <summary>An outbox in memory only.</summary>
    public EmailOutbox()
    {
    }

    /// <summary>An outbox that appends every send to <paramref name="journalPath"/> and starts with what it holds.</summary>
    public EmailOutbox(string journalPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(journalPath);
        _journal = journalPath;
        if (File.Exists(journalPath))
        {
            foreach (var line in File.ReadLines(journalPath))
            {
                if (line.Length > 0 && JsonSerializer.Deserialize(line, DemoJsonContext.Default.SentEmail) is { } email)
                {
                    Remember(email);
                }
            }
        }
    }

    /// <summary>
    /// Sends the email unless one with the same <paramref name="idempotencyKey"/> was already sent (then nothing
    /// happens). Returns whether it was sent now.
    /// </summary>
    public bool Send(string threadId, string toolCallId, string arguments, string? idempotencyKey = null)
    {
        var email = new SentEmail(threadId, toolCallId, arguments, idempotencyKey);
        lock (_sending)
        {
            if (idempotencyKey is not null && _keys.Contains(idempotencyKey))
            {
                return false;
            }

            if (_journal is not null)
            {
                File.AppendAllText(_journal, JsonSerializer.Serialize(email, DemoJsonContext.Default.SentEmail) + "\n");
            }

            Remember(email);
            return true;
        }
    }

    public IReadOnlyList<SentEmail> SentOn(string threadId) =>
        _sent.TryGetValue(threadId, out var sent) ? [.. sent] : [];

    private void Remember(SentEmail email)
    {
        if (email.IdempotencyKey is { } key)
        {
            _keys.Add(key);
        }

        _sent.GetOrAdd(email.ThreadId, _ => new ConcurrentQueue<SentEmail>()).Enqueue(email);
    }
}

/// <summary>One email the demo "sent": the thread and tool call that sent it, the arguments it ran with, and its idempotency key.</summary>
public sealed record SentEmail(string ThreadId, string ToolCallId, string Arguments, string? IdempotencyKey);
