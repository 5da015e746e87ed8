using System.Diagnostics;
using System.Globalization;

namespace AutomagikHello.AgUi.Benchmarks;

/// <summary>
/// The process CPU time (not wall time) of <see cref="ChatClientAgentBenchmarks"/>' runs, per token: on a shared,
/// overloaded machine wall time is mostly waiting for a core, CPU time is not. The variants are interleaved round by
/// round (each round runs every variant the same number of times), so a change of load falls on all of them alike;
/// each round's difference adapter − hand-written is one sample, and the medians are reported.
/// Process CPU time is counted in clock ticks (10 ms on Linux): keep a round of one variant well above that (the
/// default 200 runs of 1000 tokens is 60–300 ms). Run: <c>dotnet run -c Release -- cpu-per-token [rounds] [runsPerRound] [tokens]</c>.
/// </summary>
internal static class ChatClientAgentCpu
{
    private static readonly (string Name, Func<ChatClientAgentBenchmarks, Task> Run)[] Variants =
    [
        ("fake chat client alone", b => b.FakeChatClientAlone()),
        ("hand-written agent", b => b.HandWrittenAgent()),
        ("ChatClientAgUiAgent", b => b.ChatClientAgent()),
        ("AgentFrameworkAgUiAgent", b => b.AgentFrameworkAgent()),
    ];

    public static async Task RunAsync(int rounds, int runsPerRound, int tokens)
    {
        using var bench = new ChatClientAgentBenchmarks { Tokens = tokens };
        bench.Setup();
        var process = Process.GetCurrentProcess();
        var cpu = Variants.Select(_ => new List<double>()).ToArray();
        var allocated = Variants.Select(_ => new List<double>()).ToArray();
        for (var round = -3; round < rounds; round++) // three warm-up rounds, not counted
        {
            for (var v = 0; v < Variants.Length; v++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
                for (var i = 0; i < runsPerRound; i++)
                {
                    await Variants[v].Run(bench);
                }

                var bytes = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;
                process.Refresh();
                if (round >= 0)
                {
                    var counted = (double)runsPerRound * bench.Tokens;
                    cpu[v].Add((process.TotalProcessorTime - cpuBefore).TotalMicroseconds / counted);
                    allocated[v].Add(bytes / counted);
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rounds} rounds x {runsPerRound} runs x {bench.Tokens} tokens, load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        Console.WriteLine("| variant | CPU µs/token (median, min–max of rounds) | over hand-written, µs/token (median of round differences) | allocated B/token |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        for (var v = 0; v < Variants.Length; v++)
        {
            var over = v >= 2 ? Median(cpu[v].Zip(cpu[1], (a, h) => a - h)).ToString("0.000", CultureInfo.InvariantCulture) : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Variants[v].Name} | {Median(cpu[v]):0.000} ({cpu[v].Min():0.000}–{cpu[v].Max():0.000}) | {over} | {Median(allocated[v]):0.0} |"));
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
