using AutomagikHello.AgUi;

namespace AutomagikHello.Demo.Agents;

/// <summary>
/// Streams a long answer slowly (a word every 150 ms, about half a minute in all), so a cancel — barge-in — can be
/// tried: <c>POST /agents/slow/threads/{threadId}/cancel</c> while it talks ends the stream with the cancelled outcome.
/// </summary>
public sealed class SlowAgent : IAgUiAgent
{
    /// <summary>The pause between two words.</summary>
    public static readonly TimeSpan WordDelay = TimeSpan.FromMilliseconds(150);

    /// <summary>The whole answer, as an uninterrupted run streams it (the browser tests compare a reconnected page with it).</summary>
    public const string Answer =
        "Let me think about that carefully, because it deserves a complete answer. " +
        "First, the question touches several parts of the system at once, so I will take them in order. " +
        "The transport streams every event as soon as it is ready, which is why you can read this sentence while it is still being written. " +
        "Second, the run owns its lifecycle: it started with RUN_STARTED and will end with exactly one terminal event. " +
        "Third, you can interrupt me at any moment: send a cancel for this thread, and I will stop mid-sentence, " +
        "close this message properly and finish the run with the cancelled outcome. " +
        "That is what a voice assistant needs when the user starts talking over it. " +
        "If you let me go on, I will simply keep explaining, slowly, until I reach the end of this rather long answer.";

    public async ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken)
    {
        await run.StartStepAsync("answer");
        var message = await run.StartTextMessageAsync();
        var first = true;
        foreach (var word in Answer.Split(' '))
        {
            if (!first)
            {
                await Task.Delay(WordDelay, cancellationToken);
            }

            await message.AppendAsync(first ? word : " " + word);
            first = false;
        }

        await message.EndAsync();
        await run.FinishStepAsync("answer");
        return AgentOutcome.Success();
    }
}
