using System.Text.Json;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.Threads;

public sealed class ThreadRecordSerializerTests
{
    [Fact]
    public void SerializeThenDeserialize_FullRecord_RoundTripsEveryField()
    {
        var t = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.FromHours(1));
        var record = new ThreadRecord
        {
            Key = new ThreadKey("approval", "alice", "t/1"),
            Version = 7,
            CreatedAt = t,
            UpdatedAt = t.AddMinutes(3),
            LastRunId = "r2",
            Lease = new RunLease { RunId = "r2", InstanceId = "host-a", ExpiresAt = t.AddMinutes(8), ClaimedInterruptIds = ["i1"] },
            Consumed = new Dictionary<string, string> { ["i0"] = "r1" },
            Pending =
            [
                new PendingInterrupt
                {
                    Interrupt = new Interrupt { Id = "i1", Reason = "tool_call", ToolCallId = "c1", ResponseSchema = JsonDocument.Parse("""{"type":"object"}""").RootElement, ExpiresAt = "2026-11-25T13:00:00Z" },
                    RaisedByRunId = "r1",
                    ToolCallName = "sendEmail",
                    ToolCallArguments = """{"to":"a@b.c"}""",
                    Decision = new RecordedDecision { Status = ResumeStatus.Cancelled, DecidedBy = "bob", DecidedAt = t.AddMinutes(1), Metadata = JsonDocument.Parse("""{"sig":null}""").RootElement, InDoubtRunId = "r0" },
                    RequiresApprover = true,
                },
                new PendingInterrupt { Interrupt = new Interrupt { Id = "i2", Reason = "confirmation" }, RaisedByRunId = "r1", InDoubtRunId = "r0" },
            ],
        };

        var bytes = ThreadRecordSerializer.Serialize(record);
        var back = ThreadRecordSerializer.Deserialize(bytes);

        back.Should().BeEquivalentTo(record, o => o.ComparingByMembers<JsonElement>().Using<JsonElement>(c => JsonElement.DeepEquals(c.Subject, c.Expectation).Should().BeTrue()).WhenTypeIs<JsonElement>());
        ThreadRecordSerializer.Serialize(back).Should().Equal(bytes);
    }

    [Fact]
    public void Serialize_OrdinaryInterrupt_OmitsRequiresApprover_SoRecordsWrittenBeforeItReadTheSame()
    {
        var record = new ThreadRecord
        {
            Key = new ThreadKey("a", "o", "t"),
            Version = 1,
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            Pending = [new PendingInterrupt { Interrupt = new Interrupt { Id = "i1", Reason = "confirmation" }, RaisedByRunId = "r1" }],
        };

        var json = JsonDocument.Parse(ThreadRecordSerializer.Serialize(record)).RootElement;
        var guarded = ThreadRecordSerializer.Deserialize("""{"key":{"agent":"a","owner":"o","threadId":"t"},"version":1,"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","pending":[{"interrupt":{"id":"i1","reason":"x"},"raisedByRunId":"r1","requiresApprover":true}]}"""u8);

        json.GetProperty("pending")[0].TryGetProperty("requiresApprover", out _).Should().BeFalse();
        json.GetProperty("pending")[0].TryGetProperty("inDoubtRunId", out _).Should().BeFalse();
        guarded.Pending[0].RequiresApprover.Should().BeTrue();
        guarded.Pending[0].InDoubtRunId.Should().BeNull("a record written before the doubt existed reads as not in doubt");
    }

    [Fact]
    public void Deserialize_NotARecord_Throws()
    {
        var act = () => ThreadRecordSerializer.Deserialize("null"u8);

        act.Should().Throw<JsonException>();
    }
}
