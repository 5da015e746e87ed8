using System.Globalization;

namespace AutomagikHello.AgUi.LoadClient;

/// <summary>What to run, from the command line. Every count is bounded; every mode has a time limit.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        Usage: AutomagikHello.AgUi.LoadClient [options]
          --modes abcde          modes to run (a long stream, b short runs, c idle streams, d first event, e cancel,
                                 f voice barge-in: the demo's targets only, not in the default; run it with e,
                                 its baseline; g reconnect: the -log targets only, not in the default)
          --rounds N             measured rounds; medians (CPU, memory) and pooled percentiles are reported (3)
          --warmups N            warm-up passes over every mode before the rounds (2: after one pass the tiered
                                 JIT was still promoting code in the first round, 1.5x its later rounds' CPU)
          --long-events N        events in the long stream (95000: a logged stream's log holds all of them, under
                                 the demo's 100,000 entries per run; the same for every target, so on and off
                                 stream alike)
          --long-streams N       long streams per round, for CPU-time resolution (10)
          --short-runs N         100-event runs per round in mode b (8000)
          --concurrency N        concurrent workers in mode b (32)
          --idle-streams N       idle open streams in mode c (2000)
          --ttfe-runs N          sequential runs timed in mode d (2000)
          --cancel-runs N        sequential cancels timed in mode e, and barge-ins in mode f (300)
          --reconnects N         sequential reconnects timed in mode g, 8 to a finished run (2000)
          --targets LIST         servers to measure: baseline (bare Kestrel), and the demo with its thread store
                                 memory, sqlite (the demo's default: a fresh database file per server process,
                                 deleted afterwards), redis (needs --redis) or nostore (Demo:Store=none: the
                                 thread store off, to show what the store costs) (baseline,memory);
                                 memory-log, sqlite-log, redis-log: that store, runs to the demo's
                                 /agents/bench-logged (the bench agent with the event log on)
          --redis HOST:PORT      the redis-server of the redis target (a fresh key prefix per server process)
          --redis-pid PID        the redis-server's process: its CPU is reported beside the redis target's
          --json PATH            also write every round's numbers and the targets table as JSON
          --quick                small counts, for a smoke test
          --mode-timeout SECONDS time limit of one mode on one server (300)
          --ours-assembly PATH   the demo build to measure (the demo's build output)
          --baseline-assembly PATH  the server to measure as "baseline" (the baseline server's build output)
        """;

    public string Modes { get; private set; } = "abcde";

    public int Rounds { get; private set; } = 3;

    /// <summary>Warm-up passes before the rounds: one left the first round paying for tier-1 compilations.</summary>
    public int Warmups { get; private set; } = 2;

    /// <summary>
    /// Content events of a long stream. With the 4 frames around them, a logged stream stays under the in-memory log's
    /// default <c>MaxEntriesPerRun</c> (100,000): past it the log fails and stops logging half-way, which would
    /// flatter the log's cost. Mode (a) checks that every logged stream's log holds all its events.
    /// </summary>
    public int LongEvents { get; private set; } = DefaultLongEvents;

    public const int DefaultLongEvents = 95_000;

    public int LongStreams { get; private set; } = 10;

    public int ShortRuns { get; private set; } = 8_000;

    public int Concurrency { get; private set; } = 32;

    public int IdleStreams { get; private set; } = 2_000;

    public int TtfeRuns { get; private set; } = 2_000;

    public int CancelRuns { get; private set; } = 300;

    public int Reconnects { get; private set; } = 2_000;

    public IReadOnlyList<string> Targets { get; private set; } = ["baseline", "memory"];

    public TimeSpan ModeTimeout { get; private set; } = TimeSpan.FromSeconds(300);

    public string? Redis { get; private set; }

    public string? JsonPath { get; private set; }

    public int? RedisPid { get; private set; }

    public bool Quick { get; private set; }

    public string? OursAssembly { get; private set; }

    public string? BaselineAssembly { get; private set; }

    public bool Has(char mode) => Modes.Contains(mode, StringComparison.Ordinal);

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.\n{Usage}");
            int Count(int max) => int.Parse(Value(), CultureInfo.InvariantCulture) is var n && n > 0 && n <= max
                ? n
                : throw new ArgumentException($"{name} must be between 1 and {max}.");
            switch (name)
            {
                case "--modes": options.Modes = Value(); break;
                case "--rounds": options.Rounds = Count(20); break;
                case "--warmups": options.Warmups = Count(10); break;
                case "--long-events": options.LongEvents = Count(10_000_000); break;
                case "--long-streams": options.LongStreams = Count(100); break;
                case "--short-runs": options.ShortRuns = Count(1_000_000); break;
                case "--concurrency": options.Concurrency = Count(1_000); break;
                case "--idle-streams": options.IdleStreams = Count(10_000); break;
                case "--ttfe-runs": options.TtfeRuns = Count(100_000); break;
                case "--cancel-runs": options.CancelRuns = Count(10_000); break;
                case "--reconnects": options.Reconnects = Count(100_000); break;
                case "--targets": options.Targets = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--mode-timeout": options.ModeTimeout = TimeSpan.FromSeconds(Count(3_600)); break;
                case "--redis": options.Redis = Value(); break;
                case "--redis-pid": options.RedisPid = Count(int.MaxValue); break;
                case "--json": options.JsonPath = Path.GetFullPath(Value()); break;
                case "--ours-assembly": options.OursAssembly = Path.GetFullPath(Value()); break;
                case "--baseline-assembly": options.BaselineAssembly = Path.GetFullPath(Value()); break;
                case "--quick":
                    options.Quick = true;
                    options.Rounds = 1;
                    options.Warmups = 1;
                    options.LongEvents = 20_000;
                    options.LongStreams = 2;
                    options.ShortRuns = 500;
                    options.IdleStreams = 200;
                    options.TtfeRuns = 200;
                    options.CancelRuns = 50;
                    options.Reconnects = 200;
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    Environment.Exit(0);
                    break;
                default:
                    throw new ArgumentException($"Unknown option {name}.\n{Usage}");
            }
        }

        foreach (var mode in options.Modes)
        {
            if (mode is < 'a' or > 'g')
            {
                throw new ArgumentException($"Unknown mode {mode}: a to g.");
            }
        }

        foreach (var target in options.Targets)
        {
            if (target is not ("baseline" or "memory" or "sqlite" or "redis" or "nostore" or "memory-log" or "sqlite-log" or "redis-log"))
            {
                throw new ArgumentException($"Unknown target {target}: baseline, memory, sqlite, redis, nostore, memory-log, sqlite-log or redis-log.");
            }
        }

        if (options.Targets.Any(t => Target.Store(t) == "redis") && options.Redis is null)
        {
            throw new ArgumentException("The redis target needs --redis HOST:PORT.");
        }

        if (options.Targets.Count != options.Targets.Distinct().Count())
        {
            throw new ArgumentException("--targets names a server twice.");
        }

        return options;
    }
}
