using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AutomagikHello.AgUi.Threads;
using static AutomagikHello.AgUi.Tests.Threads.StoreRequests;
using StackExchange.Redis;

namespace AutomagikHello.AgUi.Redis.Tests;

public sealed class RedisThreadStoreTests : IDisposable
{
    private readonly RedisTestKeys _keys = new();
    private readonly ThreadKey _key = new("approval", "alice", "thread-1");

    public void Dispose() => _keys.Dispose();

    [RedisFact]
    public async Task Record_SurvivesANewConnectionMultiplexer()
    {
        var options = _keys.Options();
        ThreadRecord written;
        using (var first = RedisTestEnvironment.Connect())
        {
            var store = new RedisThreadStore(first, options);
            await Interrupt(store, _key, "r1", "i1");
            written = (await store.GetAsync(_key))!;
        }

        using var second = RedisTestEnvironment.Connect();
        var reopened = new RedisThreadStore(second, options);
        var read = await reopened.GetAsync(_key);
        var resumed = await reopened.BeginRunAsync(Begin(_key, "r2", Resolved("i1")));

        read.Should().NotBeNull();
        ThreadRecordSerializer.Serialize(read!).Should().Equal(ThreadRecordSerializer.Serialize(written));
        resumed.Succeeded.Should().BeTrue(resumed.Error?.Message);
        resumed.Answers.Should().ContainSingle().Which.ToolCallName.Should().Be("sendEmail");
    }

    [RedisFact]
    public async Task Writes_SetTheRetentionTtl_AndEveryWriteRefreshesIt()
    {
        var options = _keys.Options(retention: TimeSpan.FromHours(2));
        var store = new RedisThreadStore(RedisTestEnvironment.Shared, options);
        var redisKey = RedisKeys.Thread(options.KeyPrefix, _key);
        var database = RedisTestEnvironment.Shared.GetDatabase();

        await store.BeginRunAsync(Begin(_key, "r1"));
        var afterBegin = await database.KeyTimeToLiveAsync(redisKey);
        await database.KeyExpireAsync(redisKey, TimeSpan.FromMinutes(1));
        await store.CompleteRunAsync(new CompleteRunRequest { Key = _key, RunId = "r1", Completion = RunCompletion.Succeeded, Now = T0 });
        var afterComplete = await database.KeyTimeToLiveAsync(redisKey);

        afterBegin.Should().BeCloseTo(TimeSpan.FromHours(2), TimeSpan.FromMinutes(1));
        afterComplete.Should().BeCloseTo(TimeSpan.FromHours(2), TimeSpan.FromMinutes(1), "each write sets the TTL again");
        (await database.HashGetAsync(redisKey, "v")).Should().Be((RedisValue)2);
    }

    [RedisFact]
    public async Task Lease_NeverOutlivesItsRecord()
    {
        var options = _keys.Options(retention: TimeSpan.FromMinutes(1));
        var store = new RedisThreadStore(RedisTestEnvironment.Shared, options);

        await store.BeginRunAsync(Begin(_key, "r1", lease: TimeSpan.FromMinutes(30)));
        var ttl = await RedisTestEnvironment.Shared.GetDatabase().KeyTimeToLiveAsync(RedisKeys.Thread(options.KeyPrefix, _key));

        ttl.Should().BeGreaterThan(TimeSpan.FromMinutes(29), "the key lives at least as long as the lease it holds");
    }

    [RedisFact]
    public async Task TwoStoresOnTwoConnections_HundredConcurrentResumes_ExactlyOneWins_Repeated()
    {
        using var otherConnection = RedisTestEnvironment.Connect();
        var options = _keys.Options();
        var a = new RedisThreadStore(RedisTestEnvironment.Shared, options);
        var b = new RedisThreadStore(otherConnection, options);
        for (var round = 0; round < 10; round++)
        {
            var key = _key with { ThreadId = $"thread-{round}" };
            await Interrupt(a, key, "r0", "i1");
            var results = await RaceBeginsAsync(a, b, i => Begin(key, $"run-{i}", Resolved("i1")));

            results.Count(r => r.Succeeded).Should().Be(1, $"round {round}");
            results.Where(r => !r.Succeeded).Select(r => r.Error!.Code).Should().OnlyContain(c => c == ThreadErrorCodes.ThreadBusy);
            (await b.GetAsync(key))!.Lease!.RunId.Should().Be(results.Single(r => r.Succeeded).Record!.Lease!.RunId);
        }
    }

    [RedisFact]
    public async Task TwoStoresOnTwoConnections_HundredConcurrentBeginsOnANewThread_ExactlyOneCreatesIt()
    {
        using var otherConnection = RedisTestEnvironment.Connect();
        var options = _keys.Options();
        var a = new RedisThreadStore(RedisTestEnvironment.Shared, options);
        var b = new RedisThreadStore(otherConnection, options);
        var results = await RaceBeginsAsync(a, b, i => Begin(_key, $"run-{i}"));

        results.Count(r => r.Succeeded).Should().Be(1);
        (await a.GetAsync(_key))!.Version.Should().Be(1);
    }

    [RedisFact]
    public async Task Keys_WithColonsInTheirParts_DoNotCollide()
    {
        var store = new RedisThreadStore(RedisTestEnvironment.Shared, _keys.Options());
        var first = new ThreadKey("a:b", "c", "t");
        var second = new ThreadKey("a", "b:c", "t");

        await store.BeginRunAsync(Begin(first, "r1"));
        var other = await store.BeginRunAsync(Begin(second, "r2"));

        other.Succeeded.Should().BeTrue("a different thread is not busy");
        (await store.GetAsync(first))!.Lease!.RunId.Should().Be("r1");
        (await store.GetAsync(second))!.Lease!.RunId.Should().Be("r2");
        RedisKeys.Thread("p:", first).ToString().Should().Be("p:thread:a%3Ab:c:t");
    }

    [RedisFact]
    public async Task Reachable_OperationsSucceed()
    {
        var store = new RedisThreadStore(RedisTestEnvironment.Shared, _keys.Options());

        (await store.GetAsync(_key)).Should().BeNull();
        (await store.BeginRunAsync(Begin(_key, "r1"))).Succeeded.Should().BeTrue();
        (await store.GetAsync(_key)).Should().NotBeNull();
    }

    [Fact]
    public async Task Unreachable_EveryOperationThrowsThreadStoreUnavailable()
    {
        using var redis = await ConnectToClosedPortAsync();
        var store = new RedisThreadStore(redis, new RedisThreadStoreOptions());
        var bus = new RedisRunCancellationBus(redis, new RedisThreadStoreOptions());

        await FluentActions.Awaiting(async () => await store.GetAsync(_key)).Should().ThrowAsync<ThreadStoreUnavailableException>();
        await FluentActions.Awaiting(async () => await store.BeginRunAsync(Begin(_key, "r1"))).Should().ThrowAsync<ThreadStoreUnavailableException>();
        await FluentActions.Awaiting(async () => await store.CompleteRunAsync(new CompleteRunRequest { Key = _key, RunId = "r1", Completion = RunCompletion.Failed, Now = T0 }))
            .Should().ThrowAsync<ThreadStoreUnavailableException>();
        await FluentActions.Awaiting(async () => await store.RecordDecisionAsync(new RecordDecisionRequest { Key = _key, Entry = Resolved("i1"), Now = T0 }))
            .Should().ThrowAsync<ThreadStoreUnavailableException>();
        var error = (await FluentActions.Awaiting(async () => await bus.PublishAsync(new RunCancellation(_key, "r1"))).Should().ThrowAsync<ThreadStoreUnavailableException>()).Which;
        error.Message.Should().Contain("Redis is unavailable");
        error.InnerException.Should().BeAssignableTo<RedisException>();
    }

    [RedisFact]
    public async Task KnownDown_AWriteOnARememberedRecord_FailsWithoutTrying()
    {
        using var redis = RedisTestEnvironment.Connect(); // its own availability state: the shared one stays up
        var options = _keys.Options();
        var store = new RedisThreadStore(redis, options);
        (await store.BeginRunAsync(Begin(_key, "r1"))).Succeeded.Should().BeTrue();
        (await store.CompleteRunAsync(new CompleteRunRequest { Key = _key, RunId = "r1", Completion = RunCompletion.Succeeded, Now = T0 })).Succeeded.Should().BeTrue();
        RedisAvailability.For(redis, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            .Observe(new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "test: marked down", null, CommandStatus.Unknown));

        var write = (await FluentActions.Awaiting(async () => await store.BeginRunAsync(Begin(_key, "r2"))).Should().ThrowAsync<ThreadStoreUnavailableException>()).Which;

        write.Message.Should().Contain("was not tried");
        (await new RedisThreadStore(RedisTestEnvironment.Shared, options).GetAsync(_key))!.LastRunId.Should().Be("r1");
    }

    [Fact]
    public async Task Unreachable_KnownDown_OperationsFailWithoutTrying_NamingTheFailure()
    {
        using var redis = await ConnectToClosedPortAsync();
        var store = new RedisThreadStore(redis, new RedisThreadStoreOptions());
        var bus = new RedisRunCancellationBus(redis, new RedisThreadStoreOptions());
        await FluentActions.Awaiting(async () => await store.GetAsync(_key)).Should().ThrowAsync<ThreadStoreUnavailableException>();

        var read = (await FluentActions.Awaiting(async () => await store.GetAsync(_key)).Should().ThrowAsync<ThreadStoreUnavailableException>()).Which;
        var write = (await FluentActions.Awaiting(async () => await store.BeginRunAsync(Begin(_key, "r1"))).Should().ThrowAsync<ThreadStoreUnavailableException>()).Which;
        var publish = (await FluentActions.Awaiting(async () => await bus.PublishAsync(new RunCancellation(_key, "r1"))).Should().ThrowAsync<ThreadStoreUnavailableException>()).Which;

        foreach (var error in new[] { read, write, publish })
        {
            error.Message.Should().Contain("Redis is unavailable").And.Contain("was not tried");
            error.InnerException.Should().BeAssignableTo<RedisException>("the failure that marked Redis down");
        }
    }

    [Fact]
    public async Task Reachable_AnotherConnectionsOutage_DoesNotFailThisOne()
    {
        using var down = await ConnectToClosedPortAsync();
        await FluentActions.Awaiting(async () => await new RedisThreadStore(down, new RedisThreadStoreOptions()).GetAsync(_key)).Should().ThrowAsync<ThreadStoreUnavailableException>();

        var store = new RedisThreadStore(RedisTestEnvironment.Shared, _keys.Options());

        (await store.GetAsync(_key)).Should().BeNull();
    }

    [Theory]
    [InlineData("LOADING Redis is loading the dataset in memory", true)]
    [InlineData("READONLY You can't write against a read only replica.", true)]
    [InlineData("MASTERDOWN Link with MASTER is down", true)]
    [InlineData("OOM command not allowed when used memory > 'maxmemory'.", true)]
    [InlineData("BUSY Redis is busy running a script.", true)]
    [InlineData("ERR Error running script", false)]
    [InlineData("NOSCRIPT No matching script.", false)]
    public void Failures_ServerRepliesMeaningNotNow_AreUnavailable_OthersAreBugs(string reply, bool unavailable)
    {
        RedisFailures.IsUnavailable(new RedisServerException(RedisErrorKind.Unknown, CommandFlags.None, reply)).Should().Be(unavailable);
    }

    [Fact]
    public void Failures_ConnectionAndTimeout_AreUnavailable_OtherExceptionsAreNot()
    {
        RedisFailures.IsUnavailable(new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "down", null, CommandStatus.Unknown)).Should().BeTrue();
        RedisFailures.IsUnavailable(new RedisTimeoutException(CommandFlags.None, "slow", CommandStatus.Sent)).Should().BeTrue();
        RedisFailures.IsUnavailable(new RedisServerException(RedisErrorKind.Loading, CommandFlags.None, "loading")).Should().BeTrue();
        RedisFailures.IsUnavailable(new RedisServerException(RedisErrorKind.WrongType, CommandFlags.None, "WRONGTYPE")).Should().BeFalse();
        RedisFailures.IsUnavailable(new JsonException("corrupt record")).Should().BeFalse();
        RedisFailures.IsUnavailable(new ObjectDisposedException("multiplexer")).Should().BeFalse();
    }

    [Fact]
    public async Task Options_InvalidSettings_AreAllNamedInOneExceptionByTheConstructors()
    {
        using var redis = await ConnectToClosedPortAsync();
        var options = new RedisThreadStoreOptions { KeyPrefix = "has space", Retention = TimeSpan.FromSeconds(1), Database = -2 };

        var store = () => new RedisThreadStore(redis, options);
        var bus = () => new RedisRunCancellationBus(redis, options);

        store.Should().Throw<ArgumentException>().Which.Message.Should().Contain("KeyPrefix").And.Contain("Retention").And.Contain("Database");
        bus.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Options_EmptyPrefix_IsRejected()
    {
        var act = new RedisThreadStoreOptions { KeyPrefix = string.Empty }.Validate;

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("KeyPrefix is required");
    }

    [Fact]
    public void Options_Defaults_AreValid()
    {
        var options = new RedisThreadStoreOptions();

        options.Invoking(o => o.Validate()).Should().NotThrow();
        options.KeyPrefix.Should().Be("agui:");
        options.Retention.Should().Be(TimeSpan.FromDays(7));
    }

    // A multiplexer to a loopback port nobody listens on: commands fail fast instead of waiting in a backlog.
    internal static async Task<ConnectionMultiplexer> ConnectToClosedPortAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, port } },
            AbortOnConnectFail = false,
            ConnectTimeout = 500,
            ConnectRetry = 0,
            AsyncTimeout = 1_000,
            SyncTimeout = 1_000,
            BacklogPolicy = BacklogPolicy.FailFast,
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
