using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

/// <summary>Builds RunAgentInput bodies.</summary>
public static class RunInputs
{
    public static string Json(string threadId = "t1", string runId = "r1", string text = "hello", Action<JsonObject>? amend = null)
    {
        var input = new JsonObject
        {
            ["threadId"] = threadId,
            ["runId"] = runId,
            ["messages"] = new JsonArray(new JsonObject { ["id"] = "m1", ["role"] = "user", ["content"] = text }),
        };
        amend?.Invoke(input);
        return input.ToJsonString();
    }

    /// <summary>A unique thread id, so tests sharing a server never collide.</summary>
    public static string NewThreadId() => "t-" + Guid.NewGuid().ToString("N");
}
