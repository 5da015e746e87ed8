using System.Text.Json.Nodes;
using AutomagikHello.AgUi.Sequencing;

namespace AutomagikHello.AgUi.Tests.Sequencing;

public sealed class JsonPatchApplierTests
{
    private static (JsonNode? Result, string? Error) Apply(string document, string patch, bool requireObject = false)
    {
        var node = JsonNode.Parse(document);
        var error = new JsonPatchApplier().TryApply(ref node, Ev.Json(patch), requireObject);
        return (node, error);
    }

    private static void AssertResult(string document, string patch, string expected)
    {
        var (result, error) = Apply(document, patch);

        error.Should().BeNull();
        JsonNode.DeepEquals(result, JsonNode.Parse(expected)).Should().BeTrue($"expected {expected} but got {result?.ToJsonString() ?? "null"}");
    }

    private static string AssertFailure(string document, string patch)
    {
        var (result, error) = Apply(document, patch);

        error.Should().NotBeNull();
        JsonNode.DeepEquals(result, JsonNode.Parse(document)).Should().BeTrue("a failed patch leaves the document unchanged");
        return error!;
    }

    [Theory]
    [InlineData("{}", """[{"op":"add","path":"/a","value":1}]""", """{"a":1}""")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/a","value":[2]}]""", """{"a":[2]}""")]
    [InlineData("""{"a":[1,3]}""", """[{"op":"add","path":"/a/1","value":2}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":[1]}""", """[{"op":"add","path":"/a/1","value":2}]""", """{"a":[1,2]}""")]
    [InlineData("""{"a":[1]}""", """[{"op":"add","path":"/a/-","value":{"b":null}}]""", """{"a":[1,{"b":null}]}""")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"","value":[true]}]""", """[true]""")]
    public void TryApply_Add_AddsOrReplaces(string document, string patch, string expected) => AssertResult(document, patch, expected);

    [Theory]
    [InlineData("""{"a":1,"b":2}""", """[{"op":"remove","path":"/a"}]""", """{"b":2}""")]
    [InlineData("""{"a":[1,2,3]}""", """[{"op":"remove","path":"/a/1"}]""", """{"a":[1,3]}""")]
    [InlineData("""{"a":null}""", """[{"op":"remove","path":"/a"}]""", """{}""")]
    public void TryApply_Remove_RemovesExistingValue(string document, string patch, string expected) => AssertResult(document, patch, expected);

    [Theory]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"/a","value":"x"}]""", """{"a":"x"}""")]
    [InlineData("""{"a":[1,2]}""", """[{"op":"replace","path":"/a/0","value":9}]""", """{"a":[9,2]}""")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"","value":null}]""", """null""")]
    public void TryApply_Replace_ReplacesExistingValue(string document, string patch, string expected) => AssertResult(document, patch, expected);

    [Theory]
    [InlineData("""{"a":{"b":1},"c":{}}""", """[{"op":"move","from":"/a/b","path":"/c/d"}]""", """{"a":{},"c":{"d":1}}""")]
    [InlineData("""{"a":[1,2,3]}""", """[{"op":"move","from":"/a/0","path":"/a/-"}]""", """{"a":[2,3,1]}""")]
    [InlineData("""{"a":1}""", """[{"op":"move","from":"/a","path":"/a"}]""", """{"a":1}""")]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"move","from":"/a","path":""}]""", """{"b":1}""")]
    public void TryApply_Move_MovesValue(string document, string patch, string expected) => AssertResult(document, patch, expected);

    [Theory]
    [InlineData("""{"a":{"b":[1]}}""", """[{"op":"copy","from":"/a","path":"/c"}]""", """{"a":{"b":[1]},"c":{"b":[1]}}""")]
    [InlineData("""{"a":[1]}""", """[{"op":"copy","from":"/a/0","path":"/a/0"}]""", """{"a":[1,1]}""")]
    public void TryApply_Copy_CopiesValue(string document, string patch, string expected) => AssertResult(document, patch, expected);

    [Fact]
    public void TryApply_Copy_ProducesAnIndependentValue()
    {
        var (result, error) = Apply("""{"a":{"b":1}}""", """[{"op":"copy","from":"/a","path":"/c"},{"op":"replace","path":"/c/b","value":2}]""");

        error.Should().BeNull();
        result!["a"]!["b"]!.GetValue<int>().Should().Be(1);
    }

    [Theory]
    [InlineData("""{"a":1}""", """[{"op":"test","path":"/a","value":1.0}]""")]
    [InlineData("""{"a":{"x":[1,"s",null],"y":true}}""", """[{"op":"test","path":"/a","value":{"y":true,"x":[1,"s",null]}}]""")]
    [InlineData("""{"a":null}""", """[{"op":"test","path":"/a","value":null}]""")]
    [InlineData("""[1]""", """[{"op":"test","path":"","value":[1]}]""")]
    public void TryApply_TestThatHolds_ChangesNothing(string document, string patch) => AssertResult(document, patch, document);

    [Theory]
    [InlineData("""{"a/b":1,"m~n":2}""", """[{"op":"replace","path":"/a~1b","value":3},{"op":"remove","path":"/m~0n"}]""", """{"a/b":3}""")]
    [InlineData("""{"~1":1}""", """[{"op":"test","path":"/~01","value":1},{"op":"add","path":"/~0~1","value":2}]""", """{"~1":1,"~/":2}""")]
    [InlineData("""{"":{"":1}}""", """[{"op":"replace","path":"//","value":2}]""", """{"":{"":2}}""")]
    public void TryApply_EscapedPointers_AddressTheRightMembers(string document, string patch, string expected) => AssertResult(document, patch, expected);

    [Fact]
    public void TryApply_EmptyPatch_IsANoOp() => AssertResult("""{"a":1}""", "[]", """{"a":1}""");

    [Fact]
    public void TryApply_ExtraMembersOnOperations_AreIgnored() =>
        AssertResult("{}", """[{"op":"add","path":"/a","value":1,"note":"why"}]""", """{"a":1}""");

    [Theory]
    [InlineData("""{"a":1}""", """[{"op":"remove","path":"/b"}]""", "does not exist")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"/b","value":1}]""", "does not exist")]
    [InlineData("""{"a":1}""", """[{"op":"test","path":"/a","value":2}]""", "not equal")]
    [InlineData("""{"a":1}""", """[{"op":"test","path":"/b","value":1}]""", "does not exist")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/b/c","value":1}]""", "parent")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/a/b","value":1}]""", "parent")]
    [InlineData("""{"a":[1]}""", """[{"op":"add","path":"/a/2","value":1}]""", "index")]
    [InlineData("""{"a":[1]}""", """[{"op":"add","path":"/a/01","value":1}]""", "index")]
    [InlineData("""{"a":[1]}""", """[{"op":"remove","path":"/a/-"}]""", "does not exist")]
    [InlineData("""{"a":[1]}""", """[{"op":"replace","path":"/a/1","value":1}]""", "does not exist")]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"move","from":"/a","path":"/a/b"}]""", "proper prefix")]
    [InlineData("""{"a":1}""", """[{"op":"move","from":"/x","path":"/y"}]""", "'from'")]
    [InlineData("""{"a":1}""", """[{"op":"copy","from":"/x","path":"/y"}]""", "'from'")]
    [InlineData("""{"a":1}""", """[{"op":"remove","path":""}]""", "whole document")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"a","value":1}]""", "'path'")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/~2","value":1}]""", "'path'")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/b"}]""", "'value'")]
    [InlineData("""{"a":1}""", """[{"op":"copy","path":"/b"}]""", "'from'")]
    [InlineData("""{"a":1}""", """[{"op":"merge","path":"/b"}]""", "not an RFC 6902 operation")]
    [InlineData("""{"a":1}""", """[{"path":"/b"}]""", "'op'")]
    [InlineData("""{"a":1}""", """["add"]""", "'op'")]
    [InlineData("""{"a":1}""", """{"op":"add","path":"/b","value":1}""", "not a JSON array")]
    public void TryApply_OperationThatCannotApply_FailsAndLeavesDocumentUnchanged(string document, string patch, string reason)
    {
        var error = AssertFailure(document, patch);

        error.Should().Contain(reason);
    }

    [Fact]
    public void TryApply_LaterOperationFails_UndoesEarlierOperations()
    {
        const string document = """{"a":{"b":1},"list":[1,2,3],"keep":"k"}""";
        const string patch = """
            [
              {"op":"add","path":"/new","value":1},
              {"op":"replace","path":"/keep","value":"changed"},
              {"op":"remove","path":"/list/0"},
              {"op":"add","path":"/list/0","value":0},
              {"op":"replace","path":"/list/1","value":9},
              {"op":"move","from":"/a/b","path":"/moved"},
              {"op":"copy","from":"/a","path":"/copy"},
              {"op":"replace","path":"","value":{"root":"replaced"}},
              {"op":"add","path":"/root2","value":1},
              {"op":"remove","path":"/does-not-exist"}
            ]
            """;

        var error = AssertFailure(document, patch);

        error.Should().StartWith("operation 9 (remove) at '/does-not-exist'");
    }

    [Fact]
    public void TryApply_RequireObjectWithNonObjectResult_FailsAndLeavesDocumentUnchanged()
    {
        var (result, error) = Apply("""{"a":1}""", """[{"op":"replace","path":"","value":"text"}]""", requireObject: true);

        error.Should().Contain("not a JSON object");
        result!.ToJsonString().Should().Be("""{"a":1}""");
    }
}
