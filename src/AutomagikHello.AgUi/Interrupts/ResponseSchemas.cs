using System.Text.Json;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi;

/// <summary>
/// The rules of an interrupt's <c>responseSchema</c>: JSON Schema 2020-12 (a <c>$schema</c> naming another dialect is
/// refused), unknown keywords allowed as annotations (<c>x-widget</c>, <c>ui:widget</c>, <c>nullable</c>),
/// <c>format</c> asserted, <c>$ref</c> only inside the schema (or to the 2020-12 meta-schemas), and regular
/// expressions matched with a time limit (a payload that exceeds it is refused).
/// </summary>
public static class ResponseSchemas
{
    /// <summary>
    /// Says why <paramref name="schema"/> cannot serve as a response schema, or <see langword="null"/> when it can. The
    /// server checks every interrupt an agent raises this way (a bad one ends the run with
    /// <c>INVALID_INTERRUPT_SCHEMA</c>); call it in an agent's tests to find a bad schema sooner.
    /// </summary>
    /// <param name="schema">The schema (a JSON object, or a boolean schema).</param>
    /// <returns>The problem, or <see langword="null"/>.</returns>
    public static string? FindProblem(JsonElement schema) => ResponseSchemaValidator.Check(schema);
}
