using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.EventLog;

public sealed class RunLogChecksTests
{
    private static readonly RunLogKey Key = new(new ThreadKey("chat", "alice", "t1"), "r1");

    [Fact]
    public void CheckAppend_ConsecutiveIdsTerminalLast_Passes()
    {
        FluentActions.Invoking(() => RunLogChecks.CheckAppend(Key, [Entry(4), Entry(5), Entry(6, terminal: true)])).Should().NotThrow();
        FluentActions.Invoking(() => RunLogChecks.CheckAppend(Key, [])).Should().NotThrow();
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 0)]
    [InlineData(1, 3)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    public void CheckAppend_IdsNotConsecutiveFromOneUp_Throws(long first, long second)
    {
        FluentActions.Invoking(() => RunLogChecks.CheckAppend(Key, [Entry(first), Entry(second)]))
            .Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("consecutive").And.Contain("Nothing was appended");
    }

    [Fact]
    public void CheckAppend_TerminalNotLast_Throws()
    {
        FluentActions.Invoking(() => RunLogChecks.CheckAppend(Key, [Entry(1, terminal: true), Entry(2)]))
            .Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("terminal");
    }

    [Theory]
    [InlineData(RunLogStatus.Unknown, "no log exists")]
    [InlineData(RunLogStatus.Finished, "finished (its terminal entry is id 7)")]
    [InlineData(RunLogStatus.Expired, "dropped by retention")]
    [InlineData(RunLogStatus.Open, "its last id is 7, so the next is 8, not 3")]
    public void Refused_SaysWhy(RunLogStatus status, string why)
    {
        RunLogChecks.Refused(Key, [Entry(3)], status, 7).Message.Should().Contain(why).And.Contain(Key.ToString());
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, 0)]
    public void CheckRead_OutOfRange_Throws(long afterId, int maxEntries)
    {
        FluentActions.Invoking(() => RunLogChecks.CheckRead(afterId, maxEntries)).Should().Throw<ArgumentOutOfRangeException>();
    }

    private static RunLogEntry Entry(long id, bool terminal = false) => new(id, "{}"u8.ToArray(), terminal);
}
