using System.Text.Json;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.Threads;

/// <summary>The response-schema rules, without a server: what a schema may say, and how a payload is judged.</summary>
public sealed class ResponseSchemasTests
{
    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","x-widget":"text","ui:widget":"input","nullable":true}}}""")]
    [InlineData("""{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"string"}""")]
    [InlineData("""{"$schema":"https://json-schema.org/draft/2020-12/schema#","type":"string"}""")]
    [InlineData("""{"$defs":{"n":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/n"},"b":{"$ref":"#"}}}""")]
    [InlineData("true")]
    public void Usable(string schema) => ResponseSchemas.FindProblem(Parse(schema)).Should().BeNull();

    [Theory]
    [InlineData("""{"properties":{"a":{"$ref":"#/$defs/missing"}}}""", "$ref")]
    [InlineData("""{"$ref":"https://example.com/other.json"}""", "$ref")]
    [InlineData("""{"type":"objectx"}""", "objectx")]
    [InlineData("""{"pattern":"(unclosed"}""", "unclosed")]
    [InlineData("""{"$schema":"http://json-schema.org/draft-07/schema#"}""", "2020-12")]
    [InlineData("""{"properties":{"a":{"$schema":"http://json-schema.org/draft-07/schema#"}}}""", "2020-12")]
    public void Unusable(string schema, string named) => ResponseSchemas.FindProblem(Parse(schema)).Should().Contain(named);

    [Fact]
    public void Validate_CatastrophicPattern_IsRefusedNotHung()
    {
        var problem = ResponseSchemaValidator.Validate(Parse("""{"type":"string","pattern":"^(a+)+$"}"""), Parse("\"" + new string('a', 40) + "!\""));

        problem.Should().Contain("too long");
    }

    [Fact]
    public void Validate_PatternPropertiesOverManyNames_IsRefusedOnceTheEvaluationBudgetIsUsed()
    {
        // Each name takes the backtracking pattern a few milliseconds, far below the per-match timeout; together far
        // more than the budget of one evaluation.
        var slow = new string('a', 18) + "!";
        var names = Enumerable.Range(0, 600).Select(i => $"\"{slow}{i}\":0");
        var payload = Parse("{" + string.Join(',', names) + "}");
        var schema = Parse("""{"type":"object","patternProperties":{"^(a+)+$":{"type":"string"}}}""");

        var problem = ResponseSchemaValidator.Validate(schema, payload);
        var answer = ResumeValidator.CheckAnswer(
            new Interrupt { Id = "i1", Reason = "input", ResponseSchema = schema },
            new ResumeEntry { InterruptId = "i1", Status = ResumeStatus.Resolved, Payload = payload },
            DateTimeOffset.UtcNow);

        problem.Should().Contain("too long");
        answer!.Code.Should().Be(ThreadErrorCodes.InvalidResumePayload);
        answer.Message.Should().Contain("too long");
    }

    [Fact]
    public void Validate_PatternPropertiesWithinTheBudget_StillAppliesTheirSchemas()
    {
        var schema = Parse("""{"type":"object","patternProperties":{"^n_":{"type":"integer"}},"additionalProperties":false}""");

        ResponseSchemaValidator.Validate(schema, Parse("""{"n_a":1,"n_b":2}""")).Should().BeNull();
        ResponseSchemaValidator.Validate(schema, Parse("""{"n_a":"x"}""")).Should().Contain("n_a");
        ResponseSchemaValidator.Validate(schema, Parse("""{"other":1}""")).Should().NotBeNull("additionalProperties still sees what the patterns matched");
    }

    [Fact]
    public void Validate_Format_IsAsserted_AndUnknownFormatsPass()
    {
        ResponseSchemaValidator.Validate(Parse("""{"format":"email"}"""), Parse("\"nope\"")).Should().Contain("email");
        ResponseSchemaValidator.Validate(Parse("""{"format":"email"}"""), Parse("\"a@example.com\"")).Should().BeNull();
        ResponseSchemaValidator.Validate(Parse("""{"format":"x-vendor"}"""), Parse("\"anything\"")).Should().BeNull();
    }

    [Fact]
    public void Validate_UnresolvableRef_IsARefusal_NotAnException()
    {
        var problem = ResponseSchemaValidator.Validate(Parse("""{"properties":{"a":{"$ref":"#/$defs/missing"}}}"""), Parse("""{"a":1}"""));

        problem.Should().Contain("not a usable JSON Schema");
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
