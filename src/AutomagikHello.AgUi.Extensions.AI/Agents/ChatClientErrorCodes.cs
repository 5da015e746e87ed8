namespace AutomagikHello.AgUi.Extensions.AI;

/// <summary>The <c>RUN_ERROR</c> codes of a <see cref="ChatClientAgUiAgent"/>.</summary>
public static class ChatClientErrorCodes
{
    /// <summary>
    /// The chat client failed (the provider refused the request, was unreachable, or streamed an error). The message
    /// sent is generic; the provider's own message and the exception are in the server log. The thread is released:
    /// the same input can be retried.
    /// </summary>
    public const string ModelError = "MODEL_ERROR";

    /// <summary>
    /// The input's history cannot be given to a model: an assistant tool call's arguments are not a JSON object. Nothing
    /// was sent to the provider.
    /// </summary>
    public const string InvalidHistory = "INVALID_HISTORY";
}
