using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace AutomagikHello.Demo.Agents;

/// <summary>
/// NOT a model: an offline, scripted <see cref="IChatClient"/> the demo's assistant runs on when no model is
/// configured (the default, and every test). It streams its reply token by token and calls tools the way a model
/// does: after tool results it summarises them; "send two emails" calls <c>sendEmail</c> twice in one turn; "send
/// the email" calls it once; a message naming a frontend tool the client offers calls that tool; anything else gets
/// a plain streamed reply.
/// </summary>
public sealed class OfflineScriptedChatClient : IChatClient
{
    private static readonly ChatClientMetadata Metadata = new("offline-scripted", defaultModelId: "offline-scripted");

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var messageId = "offline_" + Guid.NewGuid().ToString("N");
        var last = history.Count > 0 ? history[^1] : null;

        if (last?.Role == ChatRole.Tool)
        {
            var results = last.Contents.OfType<FunctionResultContent>().Select(r => r.Result?.ToString()).ToList();
            await foreach (var token in Tokens($"Done. {string.Join(" ", results)}", messageId, cancellationToken))
            {
                yield return token;
            }

            yield break;
        }

        var text = history.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        if (text.Contains("send two emails", StringComparison.OrdinalIgnoreCase))
        {
            yield return Calls(messageId, Email("alice@example.com", "First"), Email("bob@example.com", "Second"));
            yield break;
        }

        if (text.Contains("send the email", StringComparison.OrdinalIgnoreCase))
        {
            yield return Calls(messageId, Email("alice@example.com", "Hello from the assistant"));
            yield break;
        }

        var frontend = options?.Tools?.FirstOrDefault(t => t is AIFunctionDeclaration and not AIFunction && text.Contains(t.Name, StringComparison.OrdinalIgnoreCase));
        if (frontend is not null)
        {
            yield return Calls(messageId, new FunctionCallContent(NewCallId(), frontend.Name, new Dictionary<string, object?>()));
            yield break;
        }

        await foreach (var token in Tokens("Hello! I am the demo's offline assistant. Ask me to \"send the email\" or to \"send two emails\".", messageId, cancellationToken))
        {
            yield return token;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null :
        serviceType == typeof(ChatClientMetadata) ? Metadata :
        serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Tokens(string reply, string messageId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var words = reply.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, i == 0 ? words[i] : " " + words[i]) { MessageId = messageId, ModelId = Metadata.DefaultModelId };
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 1, OutputTokenCount = words.Length, TotalTokenCount = 1 + words.Length })])
        {
            MessageId = messageId,
        };
    }

    private static ChatResponseUpdate Calls(string messageId, params AIContent[] calls) =>
        new(ChatRole.Assistant, calls) { MessageId = messageId, ModelId = Metadata.DefaultModelId };

    private static FunctionCallContent Email(string to, string subject) =>
        new(NewCallId(), "sendEmail", new Dictionary<string, object?> { ["to"] = to, ["subject"] = subject });

    private static string NewCallId() => "call_" + Guid.NewGuid().ToString("N")[..12];
}
