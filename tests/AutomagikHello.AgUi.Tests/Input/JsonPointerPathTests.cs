using System.Text;
using AutomagikHello.AgUi.Input;

namespace AutomagikHello.AgUi.Tests.Input;

public sealed class JsonPointerPathTests
{
    [Fact]
    public void Rent_WhileARentedPathIsInUse_GivesAPathOfItsOwn()
    {
        var outer = JsonPointerPath.Rent();
        outer.Push("messages");
        outer.Push(3);

        var inner = JsonPointerPath.Rent();
        inner.Push("tools");

        outer.Render("content").Should().Be("/messages/3/content");
        inner.Render().Should().Be("/tools");
        inner.Return();
        outer.Return();
    }

    [Fact]
    public void Rent_AfterAReturnedPathThatWasNotPopped_StartsEmpty()
    {
        // A read that is rejected deep in the body leaves its segments pushed; the next read on the thread reuses the list.
        var first = JsonPointerPath.Rent();
        first.Push("messages");
        first.Push(2);
        first.Return();

        JsonPointerPath.Rent().Render("threadId").Should().Be("/threadId");
    }

    [Fact]
    public void Read_AfterARejectionDeepInAnotherBody_ReportsItsOwnPath()
    {
        var reader = new RunAgentInputReader();
        var deep = reader.Read(Encoding.UTF8.GetBytes("""{"threadId":"t","runId":"r","messages":[{"id":"m1","role":"user","content":"hi"},{"id":"m2","role":"user","content":7}]}"""));
        var shallow = reader.Read(Encoding.UTF8.GetBytes("""{"threadId":5,"runId":"r","messages":[]}"""));

        deep.Error!.Path.Should().Be("/messages/1/content");
        shallow.Error!.Path.Should().Be("/threadId");
    }

    [Fact]
    public void Read_ReusesThePathsListOnItsThread()
    {
        // A read allocated its segment list (eight segments of 40 B and the list, ~350 B) before it was reused.
        var reader = new RunAgentInputReader();
        var body = Encoding.UTF8.GetBytes("""{"threadId":"t","runId":"r","messages":[{"id":"m1","role":"user","content":"hi"}]}""");
        long ReadOnce()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var succeeded = reader.Read(body).Succeeded;
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            succeeded.Should().BeTrue();
            return allocated;
        }

        ReadOnce();
        var withList = Math.Min(ReadOnce(), ReadOnce());
        var path = JsonPointerPath.Rent(); // holds the thread's list: the next read must make its own
        var withoutList = ReadOnce();
        path.Return();

        (withoutList - withList).Should().BeGreaterThanOrEqualTo(300);
    }
}
