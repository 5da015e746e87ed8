using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure;

/// <summary>
/// A real <see cref="IChatClient"/> standing in for a model: each request takes the next scripted turn (a stream of
/// updates) and is recorded (a copy of its messages and its options), so a test can assert what the model was sent.
/// </summary>
public sealed class RecordingChatClient : IChatClient
{
    private readonly Queue<Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>> _turns = new();
    private readonly List<(List<ChatMessage> Messages, ChatOptions? Options)> _requests = [];

    public RecordingChatClient(params Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>[] turns)
    {
        foreach (var turn in turns)
        {
            _turns.Enqueue(turn);
        }
    }

    public IReadOnlyList<(List<ChatMessage> Messages, ChatOptions? Options)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public void Enqueue(Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> turn)
    {
        lock (_turns)
        {
            _turns.Enqueue(turn);
        }
    }

    /// <summary>Completes the first time a request is being answered (the model "started talking").</summary>
    public TaskCompletionSource Streaming { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> turn;
        lock (_requests)
        {
            _requests.Add(([.. messages.Select(m => m.Clone())], options?.Clone()));
        }

        lock (_turns)
        {
            turn = _turns.Count > 0 ? _turns.Dequeue() : throw new InvalidOperationException("The test scripted no more turns.");
        }

        return turn(cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("RecordingProvider", defaultModelId: "recording-1") :
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    // ---- scripted turns ----

    public static Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> Turn(params ChatResponseUpdate[] updates) => ct => Stream(updates, ct);

    public static Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> Text(params string[] tokens) =>
        Turn([.. tokens.Select(t => Update(new TextContent(t), messageId: "msg_1"))]);

    public static Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> Calls(params FunctionCallContent[] calls) =>
        Turn(new ChatResponseUpdate(ChatRole.Assistant, [.. calls]) { MessageId = "msg_calls" });

    public static Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> Throws(Exception exception) => _ => Failing(exception);

    /// <summary>Streams <paramref name="tokens"/>, then waits for the token to be cancelled (a model mid-answer).</summary>
    public Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> TextThenHang(params string[] tokens) => ct => Hanging(tokens, ct);

    public static ChatResponseUpdate Update(AIContent content, string? messageId = null) =>
        new(ChatRole.Assistant, [content]) { MessageId = messageId, ModelId = "recording-1" };

    private static async IAsyncEnumerable<ChatResponseUpdate> Stream(ChatResponseUpdate[] updates, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var update in updates)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return update;
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Failing(Exception exception)
    {
        await Task.Yield();
        yield return Update(new TextContent("partial "), "msg_1");
        throw exception;
    }

    private async IAsyncEnumerable<ChatResponseUpdate> Hanging(string[] tokens, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var token in tokens)
        {
            yield return Update(new TextContent(token), "msg_1");
        }

        Streaming.TrySetResult();
        await Task.Delay(Timeout.Infinite, ct);
        yield return Update(new TextContent("never"), "msg_1");
    }
}
