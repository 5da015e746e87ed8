using System.Text.Json;
using AutomagikHello.AgUi;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.Demo.Agents;

/// <summary>
/// Human approval of a tool call. A user message makes it propose <c>sendEmail</c> calls (one, or
/// <paramref name="emails"/> in parallel) and stop with one approval interrupt per call. Resumed, it sends each approved
/// email with the recorded (or reviewer-edited) arguments, answers every call with <c>TOOL_CALL_RESULT</c> against
/// its original id, and says what it did. A denied or cancelled call is not sent.
/// Each send carries the approval's idempotency key, so an approval applied again (a re-approval after a crash left it
/// in doubt) does not send a second email: the tool says it was already sent.
/// </summary>
/// <param name="outbox">Where emails are "sent".</param>
/// <param name="emails">How many calls to propose at once.</param>
/// <param name="expiresAfter">When the approvals lapse, if ever.</param>
/// <param name="holdAfterSend">
/// Tests only: after an email is actually sent the run waits until it is stopped, so a test can kill the process
/// between the side effect and the run's recorded end (the window that puts an interrupt in doubt).
/// </param>
/// <param name="failAfterSend">
/// Tests only: after an email is actually sent the run fails (the agent throws), which leaves the approval in doubt.
/// A re-approval then finds the email sent and finishes; a cancel finishes without sending.
/// </param>
public sealed class ApprovalAgent(EmailOutbox outbox, int emails = 1, TimeSpan? expiresAfter = null, bool holdAfterSend = false, bool failAfterSend = false) : IAgUiAgent
{
    public async ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken)
    {
        if (run.Resume.Count > 0)
        {
            return await ActOnDecisionsAsync(run, cancellationToken);
        }

        var request = run.GetLastUserText() ?? "hello";
        var message = await run.SendTextMessageAsync(emails == 1
            ? "I'd like to send this email. Please approve it."
            : $"I'd like to send {emails} emails. Please approve each one.");
        var interrupts = new List<Interrupt>(emails);
        for (var i = 1; i <= emails; i++)
        {
            var arguments = JsonSerializer.Serialize(
                new EmailArguments($"recipient{i}@example.com", $"Re: {Shorten(request)}", $"Hello! You asked: {request}"),
                DemoJsonContext.Default.EmailArguments);
            var toolCallId = await run.SendToolCallAsync("sendEmail", arguments, parentMessageId: message);
            var expiresAt = expiresAfter is { } after ? DateTimeOffset.UtcNow + after : (DateTimeOffset?)null;
            interrupts.Add(run.RequestToolApproval(toolCallId, $"Send email {i} of {emails} to recipient{i}@example.com?", expiresAt));
        }

        return AgentOutcome.Interrupt(interrupts);
    }

    private async ValueTask<AgentOutcome> ActOnDecisionsAsync(AgUiRun run, CancellationToken cancellationToken)
    {
        var sent = 0;
        foreach (var answer in run.Resume)
        {
            if (ToolApproval.From(answer) is not { } approval)
            {
                continue;
            }

            if (approval.Approved && approval.Arguments is { } arguments)
            {
                if (!outbox.Send(run.ThreadId, approval.ToolCallId, arguments, answer.IdempotencyKey))
                {
                    await run.SendToolResultAsync(approval.ToolCallId, answer.IsReapproval
                        ? "already sent before the interruption (re-approval: not sent again)"
                        : "already sent (not sent again)");
                    continue;
                }

                sent++;
                if (holdAfterSend)
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }

                if (failAfterSend)
                {
                    throw new InvalidOperationException("The mail server dropped the connection after accepting the email.");
                }

                await run.SendToolResultAsync(approval.ToolCallId, approval.ArgumentsEdited ? "sent (with edited arguments)" : "sent");
            }
            else
            {
                await run.SendToolResultAsync(approval.ToolCallId, approval.Cancelled ? "not sent: cancelled" : "not sent: denied");
            }
        }

        await run.SendTextMessageAsync(sent switch
        {
            0 => "OK, I did not send anything.",
            1 when run.Resume.Count == 1 => "Done: the email was sent.",
            _ => $"Done: {sent} of {run.Resume.Count} emails sent.",
        });
        return AgentOutcome.Success();
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>The arguments of the demo's <c>sendEmail</c> tool.</summary>
public sealed record EmailArguments(string To, string Subject, string Body);
