using System.Text;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using static AutomagikHello.AgUi.Sqlite.Tests.SqliteFile;

namespace AutomagikHello.AgUi.Sqlite.Tests;

/// <summary>What the SQLite run event log adds to the contract: retention by size, the tombstone's end, its schema, its settings.</summary>
public sealed class SqliteRunEventLogTests : IDisposable
{
    private static readonly ThreadKey Thread = new("chat", "alice", "thread-1");

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task RemoveExpiredRuns_OverMaxBytes_DropsTheOldestFinishedRunsUntilTheRestFit()
    {
        var (log, _) = Log(options => options.RunLogMaxBytes = 10_000);
        var now = DateTimeOffset.UtcNow;
        foreach (var run in new[] { "r1", "r2", "r3" })
        {
            await log.CreateAsync(Start(run, now));
            await log.AppendAsync(Key(run), [new RunLogEntry(1, new byte[4_000], false), new RunLogEntry(2, new byte[10], true)]);
        }

        await log.CreateAsync(Start("open", now.AddMinutes(-30)));
        await log.AppendAsync(Key("open"), [new RunLogEntry(1, new byte[4_000], false)]);

        var dropped = await log.RemoveExpiredRunsAsync(now);

        // 16 KB kept over a 10 KB bound: the two oldest finished runs go; the open run (older still) is dropped by age only.
        dropped.Should().Be(2);
        (await log.ReadAsync(Key("r1"), 0, 10)).Status.Should().Be(RunLogStatus.Expired);
        (await log.ReadAsync(Key("r2"), 0, 10)).Status.Should().Be(RunLogStatus.Expired);
        (await log.ReadAsync(Key("r3"), 0, 10)).Status.Should().Be(RunLogStatus.Finished);
        (await log.ReadAsync(Key("open"), 0, 10)).Status.Should().Be(RunLogStatus.Open);
        (await log.RemoveExpiredRunsAsync(now)).Should().Be(0);
    }

    [Fact]
    public async Task RemoveExpiredRuns_ExpiredLongerThanExpiredRunMemory_RunReadsUnknown()
    {
        var (log, store) = Log(options => options.ExpiredRunMemory = TimeSpan.FromHours(2));
        var now = DateTimeOffset.UtcNow;
        await log.CreateAsync(Start("old", now.AddDays(-2)));
        await log.AppendAsync(Key("old"), [new RunLogEntry(1, "{}"u8.ToArray(), true)]);

        await log.RemoveExpiredRunsAsync(now);
        (await log.ReadAsync(Key("old"), 0, 10)).Status.Should().Be(RunLogStatus.Expired);
        Scalar(store.FilePath, "SELECT count(*) FROM run_events;").Should().Be(0L, "an expired run keeps no events");
        Scalar(store.FilePath, "SELECT count(*) FROM runs WHERE conversation IS NOT NULL;").Should().Be(0L, "nor its conversation");

        await log.RemoveExpiredRunsAsync(now.AddHours(1));
        (await log.ReadAsync(Key("old"), 0, 10)).Status.Should().Be(RunLogStatus.Expired, "within ExpiredRunMemory of its expiry");

        await log.RemoveExpiredRunsAsync(now.AddHours(3));
        (await log.ReadAsync(Key("old"), 0, 10)).Status.Should().Be(RunLogStatus.Unknown);
        Scalar(store.FilePath, "SELECT count(*) FROM runs;").Should().Be(0L);
    }

    [Fact]
    public async Task Append_BatchRefusedInsideTheWriter_LeavesTheOtherWritesOfItsCommit()
    {
        var (log, _) = Log();
        for (var i = 0; i < 10; i++)
        {
            await log.CreateAsync(Start($"a{i}", DateTimeOffset.UtcNow));
        }

        await log.CreateAsync(Start("b", DateTimeOffset.UtcNow));

        // Queued together, these may share one transaction: the refused ones must not take the others with them.
        var writes = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                await log.AppendAsync(i % 2 == 0 ? Key($"a{i / 2}") : Key("b"), [Entry(i % 2 == 0 ? 1 : 100)]);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        })).ToArray();
        var results = await Task.WhenAll(writes);

        results.Where((_, i) => i % 2 == 0).Should().OnlyContain(ok => ok);
        results.Where((_, i) => i % 2 == 1).Should().OnlyContain(ok => !ok, "every append to b skips ids");
        for (var i = 0; i < 10; i++)
        {
            (await log.ReadAsync(Key($"a{i}"), 0, 100)).LastId.Should().Be(1);
        }

        (await log.ReadAsync(Key("b"), 0, 100)).Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task Initialize_SchemaOneFile_AddsTheRunTablesAndKeepsTheThreads()
    {
        var path = _folder.File("v1.db");
        Execute(path, SchemaOne(1) + """
            INSERT INTO threads VALUES ('a', 'o', 't', 1, x'7B7D', 0, NULL);
            """);
        var store = _folder.Store(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={path}" });

        await store.InitializeAsync();

        Scalar(path, "SELECT version FROM schema_version;").Should().Be(SqliteThreadStore.SchemaVersion);
        Scalar(path, "SELECT count(*) FROM threads;").Should().Be(1L);
        (await new SqliteRunEventLog(store).CreateAsync(Start("r1", DateTimeOffset.UtcNow))).Should().BeTrue();
    }

    [Fact]
    public async Task Initialize_SchemaTwoFile_DropsTheThreadIndexAndKeepsTheRuns()
    {
        var path = _folder.File("v2.db");
        Execute(path, SchemaOne(2) + SchemaTwoRunTables + OldRuns());
        var store = _folder.Store(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={path}" });

        await store.InitializeAsync();

        Scalar(path, "SELECT version FROM schema_version;").Should().Be(SqliteThreadStore.SchemaVersion);
        Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'runs_thread';").Should().Be(0L);
        await OldRunsReadAsWritten(store);
    }

    [Fact]
    public async Task Initialize_SchemaFourFile_ReadsItsRowsAndWritesNewOnesAsDeltas()
    {
        // A file as schema 4 left it: the tables this version creates, less run_events' layout column (5) and the
        // threads' renewal columns (6), with rows whose events are in RunLogBatch's layout.
        var path = _folder.File("v4.db");
        var created = _folder.Store(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={path}" });
        await created.InitializeAsync();
        created.Dispose();
        Execute(path, "ALTER TABLE run_events DROP COLUMN layout; ALTER TABLE threads DROP COLUMN renewed_at_ticks; ALTER TABLE threads DROP COLUMN renewed_until_ticks; UPDATE schema_version SET version = 4;" + OldRuns());
        var store = _folder.Store(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={path}" });

        await store.InitializeAsync();

        Scalar(path, "SELECT version FROM schema_version;").Should().Be(SqliteThreadStore.SchemaVersion);
        await OldRunsReadAsWritten(store);
    }

    [Fact]
    public async Task Append_TextMessageRun_KeepsItsEventsInLessThanAPage()
    {
        var (log, store) = Log();
        var messageId = Guid.NewGuid().ToString("N");
        var events = Enumerable.Range(2, 100)
            .Select(i => new RunLogEntry(i, Encoding.UTF8.GetBytes($$"""{"type":"TEXT_MESSAGE_CONTENT","messageId":"{{messageId}}","delta":"token{{i}} "}"""), false))
            .ToList();
        await log.CreateAndAppendAsync(Start("r1", DateTimeOffset.UtcNow), [Entry(1)]);

        await log.AppendAsync(Key("r1"), events);

        events.Sum(e => e.Event.Length).Should().BeGreaterThan(8_000);
        Scalar(store.FilePath, "SELECT length(events) FROM run_events WHERE last_id = 101;").Should().BeOfType<long>()
            .Which.Should().BeLessThan(1_200, "each event is stored as what differs from the one before: no overflow page");
        (await log.ReadAsync(Key("r1"), 1, 200)).Entries.Select(e => e.Event.ToArray())
            .Should().BeEquivalentTo(events.Select(e => e.Event.ToArray()), o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Operations_FileNotWritable_ThrowThreadStoreUnavailable()
    {
        var (log, store) = Log();
        await log.CreateAsync(Start("r1", DateTimeOffset.UtcNow));
        store.Dispose();
        File.Delete(store.FilePath);
        Directory.CreateDirectory(store.FilePath); // the path is now a folder: nothing can open it
        var reopened = new SqliteRunEventLog(_folder.Store(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={store.FilePath}" }));

        var append = async () => await reopened.AppendAsync(Key("r1"), [Entry(1)]);

        await append.Should().ThrowAsync<ThreadStoreUnavailableException>();
    }

    [Theory]
    [InlineData("RunLogRetention")]
    [InlineData("RunLogMaxBytes")]
    [InlineData("ExpiredRunMemory")]
    [InlineData("RunLogPollInterval")]
    public void Options_RunLogSettingOutOfRange_NamedByValidate(string setting)
    {
        var options = _folder.Options();
        _ = setting switch
        {
            "RunLogRetention" => options.RunLogRetention = TimeSpan.FromSeconds(59),
            "RunLogMaxBytes" => (object)(options.RunLogMaxBytes = 1023),
            "ExpiredRunMemory" => options.ExpiredRunMemory = TimeSpan.FromSeconds(-1),
            _ => options.RunLogPollInterval = TimeSpan.FromMilliseconds(9),
        };

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.Message.Should().Contain(setting);
    }

    [Fact]
    public void Options_Defaults_AreValidAndDocumented()
    {
        var options = _folder.Options();

        options.Invoking(o => o.Validate()).Should().NotThrow();
        options.RunLogRetention.Should().Be(TimeSpan.FromDays(1));
        options.RunLogMaxBytes.Should().Be(1L << 30);
        options.ExpiredRunMemory.Should().Be(TimeSpan.FromDays(1));
        options.RunLogPollInterval.Should().Be(TimeSpan.FromMilliseconds(250));
    }

    private (SqliteRunEventLog Log, SqliteThreadStore Store) Log(Action<SqliteThreadStoreOptions>? configure = null)
    {
        var store = _folder.Store(_folder.Options($"runs-{Guid.NewGuid():N}.db", configure));
        return (new SqliteRunEventLog(store), store);
    }

    // Schema 1's tables (threads), in a file marked as the given version.
    private static string SchemaOne(int version) => $"""
        CREATE TABLE schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, updated_at TEXT NOT NULL);
        INSERT INTO schema_version VALUES (1, {version}, '2026-11-25T00:00:00Z');
        CREATE TABLE threads (agent TEXT NOT NULL, owner TEXT NOT NULL, thread_id TEXT NOT NULL, version INTEGER NOT NULL, record BLOB NOT NULL,
            updated_at INTEGER NOT NULL, lease_expires_at INTEGER NULL, PRIMARY KEY (agent, owner, thread_id)) WITHOUT ROWID;
        CREATE INDEX threads_updated_at ON threads (updated_at);

        """;

    // Two runs of Thread as an older version wrote them: "z-first" (finished) and, created after it, "a-second" (open),
    // their events in RunLogBatch's layout.
    private static string OldRuns()
    {
        static string Batch(params long[] ids) => Convert.ToHexString(RunLogBatch.Encode(ids.Select(Entry).ToList()));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return $"""
            INSERT INTO runs (seq, agent, owner, thread_id, run_id, started_at, conversation, status, last_id, bytes) VALUES
                (1, 'chat', 'alice', 'thread-1', 'z-first', {now}, x'7B7D', 2, 1, 30),
                (2, 'chat', 'alice', 'thread-1', 'a-second', {now}, x'7B7D', 1, 2, 60);
            INSERT INTO run_events (seq, last_id, first_id, events) VALUES (1, 1, 1, x'{Batch(1)}'), (2, 2, 1, x'{Batch(1, 2)}');
            """;
    }

    // The runs OldRuns wrote read back byte for byte, and the open one goes on with rows in the delta layout.
    private static async Task OldRunsReadAsWritten(SqliteThreadStore store)
    {
        var log = new SqliteRunEventLog(store);
        (await log.GetLatestRunAsync(Thread))!.Key.Should().Be(Key("a-second"), "the run created last, whatever its id's order");
        var first = await log.ReadAsync(Key("z-first"), 0, 10);
        first.Entries.Select(e => (e.Id, Encoding.UTF8.GetString(e.Event.Span), e.IsTerminal)).Should().Equal((1L, """{"type":"CUSTOM","n":1}""", true));

        await log.AppendAsync(Key("a-second"), [Entry(3), Entry(4)]);

        Scalar(store.FilePath, "SELECT group_concat(layout) FROM (SELECT layout FROM run_events WHERE seq = 2 ORDER BY last_id);").Should().Be("0,1");
        (await log.ReadAsync(Key("a-second"), 0, 10)).Entries.Select(e => Encoding.UTF8.GetString(e.Event.Span))
            .Should().Equal(new long[] { 1, 2, 3, 4 }.Select(id => Encoding.UTF8.GetString(Entry(id).Event.Span)));
    }

    private static RunLogKey Key(string runId) => new(Thread, runId);

    private static RunLogStart Start(string runId, DateTimeOffset startedAt) =>
        new() { Key = Key(runId), StartedAt = startedAt, Conversation = Encoding.UTF8.GetBytes("""{"messages":[]}""") };

    private static RunLogEntry Entry(long id) => new(id, Encoding.UTF8.GetBytes($$"""{"type":"CUSTOM","n":{{id}}}"""), false);
}
