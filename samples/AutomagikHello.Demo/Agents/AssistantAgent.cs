using System.ClientModel;
using System.Text.Json;
using AutomagikHello.AgUi.Extensions.AI;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AutomagikHello.Demo.Agents;

/// <summary>
/// The demo's assistant: a <see cref="ChatClientAgUiAgent"/> with an approval-required <c>sendEmail</c> tool. With
/// <c>Assistant:Model</c> (or <c>OPENAI_MODEL</c>) configured it talks to an OpenAI-compatible endpoint
/// (<c>Assistant:Endpoint</c> / <c>OPENAI_BASE_URL</c>, e.g. <c>http://localhost:11434/v1</c> for Ollama; omitted for
/// OpenAI) with <c>Assistant:ApiKey</c> / <c>OPENAI_API_KEY</c>; otherwise it runs on the
/// <see cref="OfflineScriptedChatClient"/>.
/// </summary>
public static class AssistantAgent
{
    public static ChatClientAgUiAgent Create(IConfiguration configuration, EmailOutbox outbox)
    {
        var options = new ChatClientAgUiAgentOptions
        {
            Instructions = "You are the AutomagikHello demo assistant. Use sendEmail to send emails; the user approves each one.",
        };
        options.Tools.Add(new ApprovalRequiredAIFunction(AIFunctionFactory.Create(
            (string to, string subject) => SendEmail(outbox, to, subject),
            "sendEmail",
            "Sends an email. The user approves every call.")));
        return new ChatClientAgUiAgent(ChatClient(configuration), options);
    }

    /// <summary>The configured model, or the offline scripted client when none is.</summary>
    public static IChatClient ChatClient(IConfiguration configuration)
    {
        var model = configuration["Assistant:Model"] ?? Environment.GetEnvironmentVariable("OPENAI_MODEL");
        if (string.IsNullOrWhiteSpace(model))
        {
            return new OfflineScriptedChatClient();
        }

        var endpoint = configuration["Assistant:Endpoint"] ?? Environment.GetEnvironmentVariable("OPENAI_BASE_URL");
        var key = configuration["Assistant:ApiKey"] ?? Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        var clientOptions = new OpenAIClientOptions();
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            clientOptions.Endpoint = new Uri(endpoint);
        }

        // Local servers (Ollama, LM Studio) ignore the key, but the client requires one.
        return new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(key) ? "unused" : key), clientOptions)
            .GetChatClient(model)
            .AsIChatClient();
    }

    /// <summary>The tool: records the email in the outbox once per approval (the answer's idempotency key).</summary>
    private static string SendEmail(EmailOutbox outbox, string to, string subject)
    {
        var run = ChatClientAgUiAgent.CurrentRun ?? throw new InvalidOperationException("sendEmail runs only inside the assistant's run.");
        var callId = FunctionInvokingChatClient.CurrentContext?.CallContent.CallId ?? "unknown";
        var key = run.Resume.FirstOrDefault(a => a.Interrupt.ToolCallId == callId)?.IdempotencyKey;
        var arguments = JsonSerializer.Serialize(new EmailArguments(to, subject, string.Empty), DemoJsonContext.Default.EmailArguments);
        return outbox.Send(run.ThreadId, callId, arguments, key) ? $"Sent to {to}." : $"Already sent to {to}.";
    }
}
