using System.Text;
using AutomagikHello.AgUi.EventLog;

namespace AutomagikHello.AgUi.Tests.EventLog;

public sealed class RunLogBatchTests
{
    private static RunLogEntry Entry(long id, string json) => new(id, Encoding.UTF8.GetBytes(json), false);

    [Fact]
    public void Decodes_the_ids_asked_for_byte_for_byte_marking_the_terminal()
    {
        var batch = RunLogBatch.Encode([Entry(5, "{\"n\":5}"), Entry(6, ""), Entry(7, "{\"é\":7}")]);

        RunLogBatch.Count(batch).Should().Be(3);
        var all = new List<RunLogEntry>();
        RunLogBatch.Decode(5, batch, 0, long.MaxValue, 7, all);
        all.Select(e => e.Id).Should().Equal(5, 6, 7);
        all.Select(e => Encoding.UTF8.GetString(e.Event.Span)).Should().Equal("{\"n\":5}", "", "{\"é\":7}");
        all.Select(e => e.IsTerminal).Should().Equal(false, false, true);

        var middle = new List<RunLogEntry>();
        RunLogBatch.Decode(5, batch, 5, 6, 0, middle);
        middle.Select(e => e.Id).Should().Equal(6);
        middle.Should().OnlyContain(e => !e.IsTerminal);
    }

    [Theory]
    [InlineData(1)] // cut inside the first length
    [InlineData(6)] // cut inside the first event
    public void A_cut_batch_is_a_format_error(int keep)
    {
        var batch = RunLogBatch.Encode([Entry(1, "{\"n\":1}")])[..keep];

        var count = () => RunLogBatch.Count(batch);
        var decode = () => RunLogBatch.Decode(1, batch, 0, 10, 0, new List<RunLogEntry>());

        count.Should().Throw<FormatException>();
        decode.Should().Throw<FormatException>();
    }
}
