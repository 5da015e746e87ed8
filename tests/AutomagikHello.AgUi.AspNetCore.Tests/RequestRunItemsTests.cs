using Microsoft.AspNetCore.Http;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>
/// An HTTP run's items hold the request in a field until the agent changes or lists them; they behave as a dictionary
/// either way.
/// </summary>
public sealed class RequestRunItemsTests
{
    [Fact]
    public void Items_Untouched_HoldOnlyTheRequest()
    {
        var context = new DefaultHttpContext();
        var items = new RequestRunItems(context);

        items.Count.Should().Be(1);
        items.TryGetValue(AgUiRunHttpExtensions.HttpContextKey, out var value).Should().BeTrue();
        value.Should().BeSameAs(context);
        items[AgUiRunHttpExtensions.HttpContextKey].Should().BeSameAs(context);
        items.ContainsKey(new object()).Should().BeFalse();
        items.TryGetValue("other", out var missing).Should().BeFalse();
        missing.Should().BeNull();
        var read = () => items["other"];
        read.Should().Throw<KeyNotFoundException>();
    }

    [Fact]
    public void Items_AgentAddsAndRemoves_BehaveAsADictionaryKeepingTheRequest()
    {
        var context = new DefaultHttpContext();
        var items = new RequestRunItems(context);

        items.Add("turn", 3);
        items["voice"] = "alloy";
        var add = () => items.Add("turn", 4);

        add.Should().Throw<ArgumentException>("a key is added once");
        items.Count.Should().Be(3);
        items["turn"].Should().Be(3);
        items.Keys.Should().BeEquivalentTo(new object[] { AgUiRunHttpExtensions.HttpContextKey, "turn", "voice" });
        items.Remove("turn").Should().BeTrue();
        items.Remove("turn").Should().BeFalse();
        items.Should().ContainKey(AgUiRunHttpExtensions.HttpContextKey).WhoseValue.Should().BeSameAs(context);
        items.Remove(AgUiRunHttpExtensions.HttpContextKey).Should().BeTrue();
        items.TryGetValue(AgUiRunHttpExtensions.HttpContextKey, out _).Should().BeFalse("the agent removed it");
        items.Count.Should().Be(1);
    }

    [Fact]
    public void Items_Enumerated_ListTheRequest()
    {
        var context = new DefaultHttpContext();

        var entries = new RequestRunItems(context).ToList();

        entries.Should().ContainSingle();
        entries[0].Key.Should().BeSameAs(AgUiRunHttpExtensions.HttpContextKey);
        entries[0].Value.Should().BeSameAs(context);
    }
}
