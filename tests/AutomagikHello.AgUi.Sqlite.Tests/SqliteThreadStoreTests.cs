using AutomagikHello.AgUi.Threads;
using static AutomagikHello.AgUi.Sqlite.Tests.SqliteFile;
using static AutomagikHello.AgUi.Tests.Threads.StoreRequests;
using Microsoft.Data.Sqlite;

namespace AutomagikHello.AgUi.Sqlite.Tests;

public sealed class SqliteThreadStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ThreadKey _key = new("approval", "alice", "thread-1");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Record_SurvivesClosingAndReopeningTheStore()
    {
        var first = _folder.Store();
        await Interrupt(first, _key, "r1", "i1");
        var written = (await first.GetAsync(_key))!;
        first.Dispose();

        using var second = new SqliteThreadStore(_folder.Options());
        var read = await second.GetAsync(_key);
        var resumed = await second.BeginRunAsync(Begin(_key, "r2", Resolved("i1")));

        read.Should().NotBeNull();
        ThreadRecordSerializer.Serialize(read!).Should().Equal(ThreadRecordSerializer.Serialize(written));
        resumed.Succeeded.Should().BeTrue(resumed.Error?.Message);
        resumed.Answers.Should().ContainSingle().Which.ToolCallName.Should().Be("sendEmail");
    }

    [Fact]
    public async Task NewThreadsFirstBegin_TakesNoReadConnection_ANotRememberedThreadIsLoadedAfterItsFailedInsert()
    {
        var other = _folder.Store();
        (await other.BeginRunAsync(Begin(_key, "r1"))).Succeeded.Should().BeTrue();
        var store = _folder.Store(_folder.Options(configure: o => o.MaxConnections = 1));
        await store.InitializeAsync();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holding = Task.Run(async () => await store.OnSessionAsync((_, gates) =>
        {
            gates.entered.Set();
            gates.release.Wait();
            return true;
        }, (entered, release), CancellationToken.None));
        entered.Wait();

        // The only read connection is held: a new thread's begin must not need it (the guard only stops a hang).
        var fresh = await store.BeginRunAsync(Begin(_key with { ThreadId = "new" }, "n1")).AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        var existing = store.BeginRunAsync(Begin(_key, "r2")).AsTask();
        var existingBeforeRelease = existing.IsCompleted;
        release.Set();
        await holding;
        var refused = await existing;

        fresh.Succeeded.Should().BeTrue(fresh.Error?.Message);
        existingBeforeRelease.Should().BeFalse("a thread that exists is answered only on its loaded row");
        refused.Error!.Code.Should().Be(ThreadErrorCodes.ThreadBusy);
        (await other.GetAsync(_key))!.Lease!.RunId.Should().Be("r1");
    }

    [Fact]
    public async Task TwoStoresOnOneFile_HundredConcurrentResumes_ExactlyOneWins_Repeated()
    {
        var a = _folder.Store();
        var b = _folder.Store(_folder.Options(configure: o => o.MaxConnections = 4));
        for (var round = 0; round < 10; round++)
        {
            var key = _key with { ThreadId = $"thread-{round}" };
            await Interrupt(a, key, "r0", "i1");
            var results = await RaceBeginsAsync(a, b, i => Begin(key, $"run-{i}", Resolved("i1")));

            results.Count(r => r.Succeeded).Should().Be(1, $"round {round}");
            results.Where(r => !r.Succeeded).Select(r => r.Error!.Code).Should().OnlyContain(c => c == ThreadErrorCodes.ThreadBusy);
            var winner = results.Single(r => r.Succeeded).Record!.Lease!.RunId;
            (await b.GetAsync(key))!.Lease!.RunId.Should().Be(winner);
        }
    }

    [Fact]
    public async Task ConcurrentWritesOnManyThreads_EachAcknowledgedWriteIsOnDiskWhenItReturns()
    {
        // The writer commits concurrent writes together: each caller must still be answered only after its own write
        // is committed, with its own version check. Every thread gets a pending interrupt from 64 concurrent
        // interrupted runs, checked by a second store on the same file as soon as each completion returns.
        var store = _folder.Store(_folder.Options(configure: o => o.FlushEveryCommit = true));
        using var reader = new SqliteThreadStore(_folder.Options());
        var seen = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            var key = _key with { ThreadId = $"thread-{i}" };
            await Interrupt(store, key, $"run-{i}", $"i-{i}");
            return await reader.GetAsync(key);
        })));

        seen.Should().OnlyContain(record => record != null && record.Pending.Count == 1 && record.Lease == null);
        seen.Select(record => record!.Pending[0].Interrupt.Id).Should().OnlyHaveUniqueItems().And.HaveCount(64);
    }

    [Fact]
    public async Task TwoStoresOnOneFile_HundredConcurrentBeginsOnANewThread_ExactlyOneCreatesIt()
    {
        var a = _folder.Store();
        var b = _folder.Store();
        for (var round = 0; round < 10; round++)
        {
            var key = _key with { ThreadId = $"new-{round}" };
            var results = await RaceBeginsAsync(a, b, i => Begin(key, $"run-{i}"));

            results.Count(r => r.Succeeded).Should().Be(1, $"round {round}");
            results.Where(r => !r.Succeeded).Select(r => r.Error!.Code).Should().OnlyContain(c => c == ThreadErrorCodes.ThreadBusy);
            (await a.GetAsync(key))!.Version.Should().Be(1);
        }
    }

    [Fact]
    public async Task Initialize_NewFile_CreatesVersionedSchemaInWalMode()
    {
        var store = _folder.Store("nested/folder/threads.db");

        await store.InitializeAsync();

        store.FilePath.Should().Be(_folder.File("nested/folder/threads.db"));
        File.Exists(store.FilePath).Should().BeTrue();
        Scalar(store.FilePath, "SELECT version FROM schema_version;").Should().Be(SqliteThreadStore.SchemaVersion);
        Scalar(store.FilePath, "PRAGMA journal_mode;").Should().Be("wal");
        Scalar(store.FilePath, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'threads';").Should().Be(1L);
    }

    [Fact]
    public async Task Initialize_ExistingFileAtCurrentVersion_KeepsDataAndVersion()
    {
        var first = _folder.Store();
        await Interrupt(first, _key, "r1", "i1");
        first.Dispose();

        var second = _folder.Store();
        await second.InitializeAsync();

        Scalar(second.FilePath, "SELECT count(*) FROM schema_version;").Should().Be(1L);
        (await second.GetAsync(_key))!.Pending.Should().ContainSingle();
    }

    [Fact]
    public async Task Initialize_SchemaNewerThanCode_ThrowsNamingBothVersions()
    {
        var first = _folder.Store();
        await first.InitializeAsync();
        first.Dispose();
        Execute(first.FilePath, "UPDATE schema_version SET version = 99;");

        var second = _folder.Store();
        var act = () => second.InitializeAsync();

        var error = (await act.Should().ThrowAsync<InvalidOperationException>()).Which;
        error.Message.Should().Contain("schema version 99").And.Contain($"({SqliteThreadStore.SchemaVersion})").And.Contain(second.FilePath);
        await FluentActions.Awaiting(async () => await second.GetAsync(_key)).Should().ThrowAsync<InvalidOperationException>("no operation runs on a schema it does not know");
    }

    [Fact]
    public async Task Initialize_FolderPathIsARegularFile_ThrowsClearStartupError()
    {
        var blocker = _folder.File("not-a-folder");
        await File.WriteAllTextAsync(blocker, "x");
        var store = _folder.Store(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={Path.Combine(blocker, "threads.db")}" });

        var act = () => store.InitializeAsync();

        var error = (await act.Should().ThrowAsync<ThreadStoreUnavailableException>()).Which;
        error.Message.Should().Contain("cannot create the folder").And.Contain(blocker);
    }

    [Fact]
    public async Task Initialize_PathIsAFolder_ThrowsClearStartupError()
    {
        var folder = _folder.File("a-folder");
        Directory.CreateDirectory(folder);
        var store = _folder.Store(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={folder}" });

        var act = () => store.InitializeAsync();

        var error = (await act.Should().ThrowAsync<ThreadStoreUnavailableException>()).Which;
        error.Message.Should().Contain("cannot open and write its file").And.Contain(folder);
        error.InnerException.Should().BeOfType<SqliteException>();
    }

    [Fact]
    public async Task Initialize_FileIsNotADatabase_ThrowsClearStartupError()
    {
        var path = _folder.File("garbage.db");
        await File.WriteAllTextAsync(path, new string('x', 4096));
        var store = _folder.Store("garbage.db");

        var act = () => store.InitializeAsync();

        (await act.Should().ThrowAsync<ThreadStoreUnavailableException>()).Which.Message.Should().Contain(path).And.Contain("SQLite database");
    }

    [Fact]
    public async Task Initialize_AfterTheCauseIsFixed_Succeeds()
    {
        var blocker = _folder.File("later-a-folder");
        await File.WriteAllTextAsync(blocker, "x");
        var store = _folder.Store(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={Path.Combine(blocker, "threads.db")}" });
        await FluentActions.Awaiting(() => store.InitializeAsync()).Should().ThrowAsync<ThreadStoreUnavailableException>();

        File.Delete(blocker);
        var begun = await store.BeginRunAsync(Begin(_key, "r1"));

        begun.Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("caf\u00e9-\u00fc\u00df-\u6f22\u5b57-\ud83d\ude00")]
    [InlineData("lone-\ud800-surrogate")]
    [InlineData("")]
    public async Task KeyWithAnyText_WrittenAndThenReadAndUpdatedWithoutARememberedRecord_FindsTheSameRow(string text)
    {
        // The writer binds keys itself (UTF-8, as the provider's commands bind them); the reads and the update of a
        // store that remembers nothing must find the row it wrote, for every string a client can send as an id.
        var store = _folder.Store(_folder.Options(configure: o => o.CachedRecords = 0));
        var key = new ThreadKey(text + "-agent", text, text + "-thread");

        await Interrupt(store, key, "r1", "i1");
        var resumed = await store.BeginRunAsync(Begin(key, "r2", Resolved("i1")));
        var read = await store.GetAsync(key);

        resumed.Succeeded.Should().BeTrue(resumed.Error?.Message);
        read!.Version.Should().Be(resumed.Record!.Version);
        read.Lease!.RunId.Should().Be("r2");
        Convert.ToInt64(Scalar(store.FilePath, "SELECT COUNT(*) FROM threads;")).Should().Be(1);
    }

    [Fact]
    public async Task ManyWrites_TheWalIsCheckpointedOnAnotherConnection_SoTheNextWriteStartsItOver()
    {
        // Every CheckpointEvery commits the writer has the WAL checkpointed beside it (SQLite's own automatic
        // checkpoint only past a far larger backstop); once that checkpoint copied everything, the next write starts
        // the WAL over instead of appending: the WAL then holds that write's frames only.
        var store = _folder.Store();
        for (var i = 0; i < SqliteWriter.CheckpointEvery / 2; i++)
        {
            var runId = $"r{i}";
            (await store.BeginRunAsync(Begin(_key, runId))).Succeeded.Should().BeTrue();
            (await store.CompleteRunAsync(new CompleteRunRequest { Key = _key, RunId = runId, Completion = RunCompletion.Succeeded, Now = T0 }))
                .Succeeded.Should().BeTrue();
        }

        await store.LastCheckpoint; // Before looking: a second checkpoint while one runs is refused (frames: -1).
        var framesBefore = WalFrames(store.FilePath);
        (await store.BeginRunAsync(Begin(_key, "last"))).Succeeded.Should().BeTrue();

        framesBefore.Should().BeGreaterThanOrEqualTo(SqliteWriter.CheckpointEvery, "each commit appended a frame until then");
        WalFrames(store.FilePath).Should().Be(1, "the write after the checkpoint started the WAL over");
        Convert.ToInt64(Scalar(store.FilePath, "SELECT version FROM threads;")).Should().Be(SqliteWriter.CheckpointEvery + 1);
    }

    [Fact]
    public async Task Write_WithinTheRowsHour_AppendsOnePageToTheWal()
    {
        // Retention's index holds the hour of updated_at, so a write within the hour leaves the index's page alone.
        var store = _folder.Store();
        (await store.BeginRunAsync(Begin(_key, "r1"))).Succeeded.Should().BeTrue();
        Execute(store.FilePath, "PRAGMA wal_checkpoint(TRUNCATE);");

        (await store.CompleteRunAsync(new CompleteRunRequest { Key = _key, RunId = "r1", Completion = RunCompletion.Succeeded, Now = T0.AddMinutes(59) }))
            .Succeeded.Should().BeTrue();

        WalFrames(store.FilePath).Should().Be(1);
    }

    [Fact]
    public async Task Write_IntoAnotherHour_MovesTheRowsRetentionHour()
    {
        var store = _folder.Store(_folder.Options(configure: o => o.Retention = TimeSpan.FromHours(1)));
        (await store.BeginRunAsync(Begin(_key, "r1"))).Succeeded.Should().BeTrue();
        Execute(store.FilePath, "PRAGMA wal_checkpoint(TRUNCATE);");

        (await store.CompleteRunAsync(new CompleteRunRequest { Key = _key, RunId = "r1", Completion = RunCompletion.Succeeded, Now = T0.AddHours(3) }))
            .Succeeded.Should().BeTrue();

        WalFrames(store.FilePath).Should().Be(2, "the row's page and the index's");
        Scalar(store.FilePath, "SELECT updated_hour = updated_at / 3600000 FROM threads;").Should().Be(1L);
        (await store.RemoveExpiredThreadsAsync(T0.AddHours(3.5))).Should().Be(0, "written half an hour ago");
        (await store.RemoveExpiredThreadsAsync(T0.AddHours(4).AddMilliseconds(1))).Should().Be(1);
    }

    [Fact]
    public async Task RemoveExpiredThreads_WrittenTwiceInOneHour_ComparesTheExactLastWrite()
    {
        var store = _folder.Store(_folder.Options(configure: o => o.Retention = TimeSpan.FromHours(1)));
        (await store.BeginRunAsync(Begin(_key, "r1", now: T0.AddMinutes(10)))).Succeeded.Should().BeTrue();
        (await store.CompleteRunAsync(new CompleteRunRequest { Key = _key, RunId = "r1", Completion = RunCompletion.Succeeded, Now = T0.AddMinutes(50) }))
            .Succeeded.Should().BeTrue();

        (await store.RemoveExpiredThreadsAsync(T0.AddMinutes(110))).Should().Be(0, "the last write was 60 minutes before, not more");
        (await store.RemoveExpiredThreadsAsync(T0.AddMinutes(110).AddMilliseconds(1))).Should().Be(1);
    }

    [Fact]
    public async Task Initialize_SchemaTwoFile_IndexesRetentionByHourAndKeepsTheThreads()
    {
        // A file as schema version 2 left it (retention's index on updated_at), with a thread whose interrupt waits,
        // one idle for three hours and one with a live lease.
        var memory = new InMemoryThreadStore();
        await Interrupt(memory, _key, "r1", "i1");
        var written = (await memory.GetAsync(_key))!;
        var record = ThreadRecordSerializer.Serialize(written);
        var path = _folder.File("v2.db");
        Execute(path, """
            CREATE TABLE schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, updated_at TEXT NOT NULL);
            INSERT INTO schema_version VALUES (1, 2, '2026-12-01T00:00:00Z');
            CREATE TABLE threads (agent TEXT NOT NULL, owner TEXT NOT NULL, thread_id TEXT NOT NULL, version INTEGER NOT NULL, record BLOB NOT NULL,
                updated_at INTEGER NOT NULL, lease_expires_at INTEGER NULL, PRIMARY KEY (agent, owner, thread_id)) WITHOUT ROWID;
            CREATE INDEX threads_updated_at ON threads (updated_at);
            """ + SchemaTwoRunTables);
        var t0 = T0.ToUnixTimeMilliseconds();
        Insert(path, _key, written.Version, record, t0, lease: null);
        Insert(path, _key with { ThreadId = "idle" }, written.Version, record, t0 - (3 * 3_600_000), lease: null);
        Insert(path, _key with { ThreadId = "leased" }, written.Version, record, t0 - (3 * 3_600_000), lease: t0 + 3_600_000);
        var store = _folder.Store(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={path}", Retention = TimeSpan.FromHours(1) });

        await store.InitializeAsync();

        Scalar(path, "SELECT version FROM schema_version;").Should().Be(SqliteThreadStore.SchemaVersion);
        Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'threads_updated_at';").Should().Be(0L);
        Scalar(path, "SELECT count(*) FROM sqlite_master WHERE name = 'threads_updated_hour';").Should().Be(1L);
        Scalar(path, "SELECT count(*) FROM threads WHERE updated_hour = updated_at / 3600000;").Should().Be(3L);
        (await store.RemoveExpiredThreadsAsync(T0.AddMinutes(30))).Should().Be(1, "only the idle thread is past retention");
        (await store.GetAsync(_key with { ThreadId = "idle" })).Should().BeNull();
        (await store.GetAsync(_key with { ThreadId = "leased" })).Should().NotBeNull();
        var resumed = await store.BeginRunAsync(Begin(_key, "r2", now: T0.AddMinutes(1), lease: null, Resolved("i1")));
        resumed.Succeeded.Should().BeTrue(resumed.Error?.Message);
        (await store.GetAsync(_key))!.Lease!.RunId.Should().Be("r2");
    }

    [Fact]
    public async Task LeaseRenewal_WritesTheLeaseAlone_AReadOnAnotherStoreSeesTheRenewalExactly()
    {
        var store = _folder.Store();
        await Interrupt(store, _key, "r1", "i1");
        (await store.BeginRunAsync(Begin(_key, "r2", Resolved("i1")))).Succeeded.Should().BeTrue();
        var json = RecordColumn(store.FilePath);
        var renewedAt = T0.AddSeconds(3).AddTicks(1_234); // sub-millisecond: kept exactly

        var renewed = await store.UpdateLeaseAsync(new UpdateLeaseRequest { Key = _key, RunId = "r2", Update = LeaseUpdate.Renew, Duration = Lease, Now = renewedAt });

        renewed.Succeeded.Should().BeTrue(renewed.Error?.Message);
        RecordColumn(store.FilePath).Should().Equal(json, "a renewal writes no JSON");
        var other = _folder.Store();
        var read = (await other.GetAsync(_key))!;
        read.Version.Should().Be(renewed.Record!.Version);
        read.UpdatedAt.Should().Be(renewedAt);
        read.Lease!.RenewedAt.Should().Be(renewedAt);
        read.Lease.ExpiresAt.Should().Be(renewedAt + Lease);
        ThreadRecordSerializer.Serialize(read).Should().Equal(ThreadRecordSerializer.Serialize(renewed.Record));
    }

    [Fact]
    public async Task LeaseRenewal_AfterAnotherStoreWroteTheRow_FailsItsSwapLoadsAndCarriesTheOtherWrite()
    {
        var store = _folder.Store();
        (await store.BeginRunAsync(Begin(_key, "r1"))).Succeeded.Should().BeTrue();
        (await store.UpdateLeaseAsync(Renew("r1", T0.AddSeconds(5)))).Succeeded.Should().BeTrue();
        var other = _folder.Store();

        // The other store compares against the renewed row (its version from the renewal), not the JSON's.
        var cancel = await other.UpdateLeaseAsync(new UpdateLeaseRequest { Key = _key, RunId = "r1", Update = LeaseUpdate.RequestCancel, Now = T0.AddSeconds(6) });
        var renewed = await store.UpdateLeaseAsync(Renew("r1", T0.AddSeconds(10)));

        cancel.Succeeded.Should().BeTrue(cancel.Error?.Message);
        renewed.Succeeded.Should().BeTrue(renewed.Error?.Message);
        renewed.Record!.Lease!.CancelRequested.Should().BeTrue("the renewal was redone on the row the other store wrote");
        var read = (await _folder.Store().GetAsync(_key))!;
        read.Lease!.CancelRequested.Should().BeTrue();
        read.Lease.ExpiresAt.Should().Be(T0.AddSeconds(10) + Lease);
        read.Version.Should().Be(4);
    }

    [Fact]
    public async Task WholeRecordWrites_AfterARenewal_StoreTheJsonAndClearTheRenewal()
    {
        // The negative case of the renewal: a cancel request and a complete change more than the lease's times.
        var store = _folder.Store();
        (await store.BeginRunAsync(Begin(_key, "r1"))).Succeeded.Should().BeTrue();
        (await store.UpdateLeaseAsync(Renew("r1", T0.AddSeconds(5)))).Succeeded.Should().BeTrue();
        var json = RecordColumn(store.FilePath);

        var cancel = await store.UpdateLeaseAsync(new UpdateLeaseRequest { Key = _key, RunId = "r1", Update = LeaseUpdate.RequestCancel, Now = T0.AddSeconds(6) });

        RecordColumn(store.FilePath).Should().NotEqual(json);
        Scalar(store.FilePath, "SELECT renewed_at_ticks IS NULL AND renewed_until_ticks IS NULL FROM threads;").Should().Be(1L);
        ThreadRecordSerializer.Deserialize(RecordColumn(store.FilePath)).Should().BeEquivalentTo(cancel.Record);
        (await store.UpdateLeaseAsync(Renew("r1", T0.AddSeconds(10)))).Succeeded.Should().BeTrue();
        var completed = await store.CompleteRunAsync(new CompleteRunRequest { Key = _key, RunId = "r1", Completion = RunCompletion.Succeeded, Now = T0.AddSeconds(11) });
        Scalar(store.FilePath, "SELECT renewed_at_ticks IS NULL AND renewed_until_ticks IS NULL FROM threads;").Should().Be(1L);
        var read = (await _folder.Store().GetAsync(_key))!;
        ThreadRecordSerializer.Serialize(read).Should().Equal(ThreadRecordSerializer.Serialize(completed.Record!));
        read.Lease.Should().BeNull();
    }

    [Fact]
    public void IsRenewalOnly_OnlyARenewalsTransition_AndItComparesEveryMember()
    {
        var begun = ThreadTransitions.Begin(null, Begin(_key, "r1")).Next!;
        var renewal = ThreadTransitions.UpdateLease(begun, Renew("r1", T0.AddSeconds(5))).Next!;
        var cancel = ThreadTransitions.UpdateLease(begun, new UpdateLeaseRequest { Key = _key, RunId = "r1", Update = LeaseUpdate.RequestCancel, Now = T0.AddSeconds(5) }).Next!;
        var expire = ThreadTransitions.UpdateLease(begun, new UpdateLeaseRequest { Key = _key, RunId = "r1", Update = LeaseUpdate.Expire, Now = T0.AddSeconds(5) }).Next!;

        SqliteThreadRow.IsRenewalOnly(begun, renewal).Should().BeTrue();
        SqliteThreadRow.IsRenewalOnly(begun, cancel).Should().BeFalse();
        SqliteThreadRow.IsRenewalOnly(begun, expire).Should().BeFalse("no RenewedAt moved with UpdatedAt");
        SqliteThreadRow.IsRenewalOnly(begun, renewal with { LastRunId = "other" }).Should().BeFalse();
        SqliteThreadRow.IsRenewalOnly(begun, renewal with { Lease = renewal.Lease! with { ClaimedInterruptIds = ["i1"] } }).Should().BeFalse();

        // A member added to the record or the lease must be compared by IsRenewalOnly (or the renewal would drop it).
        typeof(ThreadRecord).GetProperties().Select(p => p.Name).Should().BeEquivalentTo(
            "Key", "Version", "Pending", "Lease", "Consumed", "LastRunId", "CreatedAt", "UpdatedAt");
        typeof(RunLease).GetProperties().Select(p => p.Name).Should().BeEquivalentTo(
            "RunId", "InstanceId", "ExpiresAt", "RenewedAt", "CancelRequested", "ClaimedInterruptIds");
    }

    [Fact]
    public async Task Initialize_SchemaFiveFile_AddsTheRenewalColumnsAndKeepsTheThreads()
    {
        var path = _folder.File("v5.db");
        var options = new SqliteThreadStoreOptions { ConnectionString = $"Data Source={path}" };
        using (var current = new SqliteThreadStore(options))
        {
            (await current.BeginRunAsync(Begin(_key, "r1"))).Succeeded.Should().BeTrue();
        }

        Execute(path, "ALTER TABLE threads DROP COLUMN renewed_at_ticks; ALTER TABLE threads DROP COLUMN renewed_until_ticks; UPDATE schema_version SET version = 5;");
        var store = _folder.Store(options);

        var renewed = await store.UpdateLeaseAsync(Renew("r1", T0.AddSeconds(5)));

        renewed.Succeeded.Should().BeTrue(renewed.Error?.Message);
        Scalar(path, "SELECT version FROM schema_version;").Should().Be(SqliteThreadStore.SchemaVersion);
        (await _folder.Store(options).GetAsync(_key))!.Lease!.ExpiresAt.Should().Be(T0.AddSeconds(5) + Lease);
    }

    private UpdateLeaseRequest Renew(string runId, DateTimeOffset now) =>
        new() { Key = _key, RunId = runId, Update = LeaseUpdate.Renew, Duration = Lease, Now = now };

    private static byte[] RecordColumn(string path) => (byte[])Scalar(path, "SELECT record FROM threads;")!;

    private static void Insert(string path, ThreadKey key, long version, byte[] record, long updatedAt, long? lease)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO threads VALUES ($agent, $owner, $thread, $version, $record, $updated, $lease);";
        command.Parameters.AddWithValue("$agent", key.Agent);
        command.Parameters.AddWithValue("$owner", key.Owner);
        command.Parameters.AddWithValue("$thread", key.ThreadId);
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$record", record);
        command.Parameters.AddWithValue("$updated", updatedAt);
        command.Parameters.AddWithValue("$lease", (object?)lease ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    // Frames in the WAL since it last started over (not the file's size: a WAL that starts over is overwritten in
    // place), read from the WAL index's header in the -shm file (mxFrame, a native-endian u32 at byte 16) rather than
    // through a connection: asking SQLite (PRAGMA wal_checkpoint) would checkpoint the WAL itself and do the store's
    // work for it.
    private static long WalFrames(string path)
    {
        using var shm = new FileStream(path + "-shm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[20];
        shm.ReadExactly(header);
        return BitConverter.ToUInt32(header[16..]);
    }

    [Fact]
    public async Task Write_WhileAnotherConnectionHoldsTheWriteLock_ThrowsUnavailableAndRecoversAfterwards()
    {
        var store = _folder.Store(_folder.Options(configure: o => o.BusyTimeout = TimeSpan.FromMilliseconds(200)));
        await store.InitializeAsync();
        using var blocker = new SqliteConnection($"Data Source={store.FilePath};Pooling=False");
        blocker.Open();
        var transaction = blocker.BeginTransaction(deferred: false);

        var act = async () => await store.BeginRunAsync(Begin(_key, "r1"));

        var error = (await act.Should().ThrowAsync<ThreadStoreUnavailableException>()).Which;
        error.Message.Should().Contain("locked");
        transaction.Rollback();
        transaction.Dispose();
        (await store.BeginRunAsync(Begin(_key, "r1"))).Succeeded.Should().BeTrue("service returns when the lock is released");
    }

    [Fact]
    public async Task RemoveExpiredThreads_RemovesOnlyThreadsIdlePastRetentionWithoutLiveLease()
    {
        var store = _folder.Store(_folder.Options(configure: o => o.Retention = TimeSpan.FromHours(1)));
        var old = _key with { ThreadId = "old" };
        var oldInterrupted = _key with { ThreadId = "old-interrupted" };
        var oldRunning = _key with { ThreadId = "old-running" };
        var fresh = _key with { ThreadId = "fresh" };
        await Interrupt(store, oldInterrupted, "r1", "i1");
        await store.BeginRunAsync(Begin(old, "r1"));
        await store.CompleteRunAsync(new CompleteRunRequest { Key = old, RunId = "r1", Completion = RunCompletion.Succeeded, Now = T0 });
        await store.BeginRunAsync(Begin(oldRunning, "r1", lease: TimeSpan.FromHours(3)));
        await store.BeginRunAsync(Begin(fresh, "r1", now: T0.AddHours(1.5)));

        var removed = await store.RemoveExpiredThreadsAsync(T0.AddHours(2));

        removed.Should().Be(2);
        (await store.GetAsync(old)).Should().BeNull();
        (await store.GetAsync(oldInterrupted)).Should().BeNull("retention removes pending interrupts too");
        (await store.GetAsync(oldRunning)).Should().NotBeNull("a live lease keeps its thread");
        (await store.GetAsync(fresh)).Should().NotBeNull();
    }

    [Fact]
    public async Task RemoveExpiredThreads_ManyThreads_RemovesThemAllInBatches()
    {
        var store = _folder.Store(_folder.Options(configure: o => o.Retention = TimeSpan.FromHours(1)));
        for (var i = 0; i < 1_200; i++)
        {
            var key = _key with { ThreadId = $"t{i}" };
            await store.BeginRunAsync(Begin(key, "r"));
            await store.CompleteRunAsync(new CompleteRunRequest { Key = key, RunId = "r", Completion = RunCompletion.Succeeded, Now = T0 });
        }

        (await store.RemoveExpiredThreadsAsync(T0.AddDays(1))).Should().Be(1_200);
        Scalar(store.FilePath, "SELECT count(*) FROM threads;").Should().Be(0L);
    }

    [Fact]
    public async Task Operations_AfterDispose_Throw()
    {
        var store = _folder.Store();
        store.Dispose();

        await FluentActions.Awaiting(async () => await store.GetAsync(_key)).Should().ThrowAsync<ObjectDisposedException>();
    }

    [Theory]
    [InlineData("", "ConnectionString is required")]
    [InlineData("Data Source=:memory:", "in-memory")]
    [InlineData("Data Source=x.db;Mode=Memory", "in-memory")]
    [InlineData("Data Source=x.db;Mode=ReadOnly", "read-only")]
    [InlineData("Data Source=x.db;Bogus Keyword=1", "not a valid SQLite connection string")]
    [InlineData("Mode=ReadWriteCreate", "name the database file")]
    public void Options_InvalidConnectionString_AreRejectedClearly(string connectionString, string expected)
    {
        var options = new SqliteThreadStoreOptions { ConnectionString = connectionString };

        var act = () => new SqliteThreadStore(options);

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Options_OutOfRangeSettings_AreAllNamedInOneException()
    {
        var options = new SqliteThreadStoreOptions
        {
            ConnectionString = "Data Source=x.db",
            BusyTimeout = TimeSpan.Zero,
            Retention = TimeSpan.FromSeconds(5),
            MaxConnections = 0,
        };

        var act = options.Validate;

        act.Should().Throw<ArgumentException>().Which.Message.Should()
            .Contain("BusyTimeout").And.Contain("Retention").And.Contain("MaxConnections");
    }

    [Fact]
    public void Options_Defaults_AreValid()
    {
        var options = new SqliteThreadStoreOptions { ConnectionString = "Data Source=x.db" };

        options.Invoking(o => o.Validate()).Should().NotThrow();
        options.BusyTimeout.Should().Be(TimeSpan.FromSeconds(5));
        options.Retention.Should().Be(TimeSpan.FromDays(7));
        options.FlushEveryCommit.Should().BeFalse();
    }
}
