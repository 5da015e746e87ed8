namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// One timer for the periodic work of every live run of a runner (heartbeats, lease renewals), the way Kestrel's
/// heartbeat serves every connection: a held stream keeps no timer of its own, only its place in this list. It ticks
/// every <see cref="Period"/> while any entry is listed and stops when none is, so an idle process is not woken; each
/// entry's work comes due at most one period late.
/// </summary>
internal sealed class RunTicker
{
    private static readonly TimeSpan LongestPeriod = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private Entry? _first;
    private int _count;
    private bool _armed;
    private Entry?[] _ticking = [];

    public RunTicker(TimeProvider clock, TimeSpan period)
    {
        Clock = clock;
        Period = period;
        _timer = clock.CreateTimer(static state => ((RunTicker)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The clock the entries' due times are read on.</summary>
    public TimeProvider Clock { get; }

    /// <summary>The time between two ticks.</summary>
    public TimeSpan Period { get; }

    /// <summary>The number of listed entries.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>
    /// The period for a runner's options: a quarter of the shortest interval it serves (heartbeat, lease renewal), at
    /// most a second (a ping or a renewal at most that late), at least a millisecond.
    /// </summary>
    public static TimeSpan PeriodFor(AgUiRunnerOptions options)
    {
        var shortest = options.HeartbeatInterval < options.RenewalInterval ? options.HeartbeatInterval : options.RenewalInterval;
        var quarter = shortest / 4;
        return quarter > LongestPeriod ? LongestPeriod : quarter < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : quarter;
    }

    /// <summary><paramref name="span"/> in <see cref="Clock"/> timestamp units.</summary>
    public long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * Clock.TimestampFrequency);

    /// <summary>Lists <paramref name="entry"/>: it is ticked from the next tick on, until <see cref="Remove"/>.</summary>
    public void Add(Entry entry)
    {
        lock (_gate)
        {
            if (entry.Listed)
            {
                return;
            }

            entry.Listed = true;
            entry.Next = _first;
            if (_first is not null)
            {
                _first.Previous = entry;
            }

            _first = entry;
            _count++;
            if (!_armed)
            {
                _armed = true;
                _timer.Change(Period, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Takes <paramref name="entry"/> off the list (a no-op when it is not listed); the tick stops with the last.</summary>
    public void Remove(Entry entry)
    {
        lock (_gate)
        {
            if (!entry.Listed)
            {
                return;
            }

            if (entry.Previous is { } previous)
            {
                previous.Next = entry.Next;
            }
            else
            {
                _first = entry.Next;
            }

            if (entry.Next is { } next)
            {
                next.Previous = entry.Previous;
            }

            entry.Previous = entry.Next = null;
            entry.Listed = false;
            _count--;
        }
    }

    /// <summary>
    /// One tick: every listed entry's <see cref="Entry.Tick"/>, outside the lock (an entry may remove itself or add
    /// another meanwhile), then the timer is re-armed while any entry is listed. One tick at a time: the timer is
    /// one-shot and re-armed only after the tick.
    /// </summary>
    internal void Tick()
    {
        int count;
        lock (_gate)
        {
            if (_ticking.Length < _count)
            {
                _ticking = new Entry?[Math.Max(16, _count * 2)];
            }

            count = 0;
            for (var entry = _first; entry is not null; entry = entry.Next)
            {
                _ticking[count++] = entry;
            }
        }

        var now = Clock.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var entry = _ticking[i]!;
            _ticking[i] = null;
            if (entry.Listed)
            {
                entry.Tick(now);
            }
        }

        lock (_gate)
        {
            if (_count == 0)
            {
                _armed = false;
                return;
            }

            try
            {
                _timer.Change(Period, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                _armed = false;
            }
        }
    }

    /// <summary>One run's periodic work, listed in a <see cref="RunTicker"/> (the node of its list).</summary>
    internal abstract class Entry
    {
        internal Entry? Previous;
        internal Entry? Next;
        internal volatile bool Listed;

        /// <summary>Called on each tick with the clock's timestamp; must be quick and must not throw.</summary>
        public abstract void Tick(long now);
    }
}
