using AutomagikHello.AgUi;

namespace AutomagikHello.Demo.Agents;

/// <summary>Answers the last user message word by word, with a small delay between words.</summary>
public sealed class EchoAgent : IAgUiAgent
{
    /// <summary>The pause between two words.</summary>
    public static readonly TimeSpan WordDelay = TimeSpan.FromMilliseconds(20);

    public async ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken)
    {
        var text = run.GetLastUserText();
        if (string.IsNullOrWhiteSpace(text))
        {
            await run.SendTextMessageAsync("There is no user message to echo.");
            return AgentOutcome.Success();
        }

        var message = await run.StartTextMessageAsync();
        var first = true;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!first)
            {
                await Task.Delay(WordDelay, cancellationToken);
            }

            await message.AppendAsync(first ? word : " " + word);
            first = false;
        }

        await message.EndAsync();
        return AgentOutcome.Success();
    }
}
