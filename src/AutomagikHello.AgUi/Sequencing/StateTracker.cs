using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.Sequencing;

/// <summary>
/// Tracks the shared state — the input's state (absent means <c>{}</c>), replaced by <c>STATE_SNAPSHOT</c>s and
/// amended by <c>STATE_DELTA</c>s — so that every delta can be checked against it (rule 32). A snapshot is only
/// turned into a mutable tree when the first delta needs it. State carries across the runs of one stream.
/// </summary>
internal sealed class StateTracker
{
    private readonly JsonElement? _initial;
    private JsonElement? _pending;
    private JsonNode? _current;
    private bool _materialized;

    public StateTracker(JsonElement? initial)
    {
        // "state": null is read as absent.
        _initial = initial is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } state ? state.Clone() : null;
        Reset();
    }

    /// <summary>The current state as a tree (for tests and diagnostics).</summary>
    public JsonNode? Current
    {
        get
        {
            Materialize();
            return _current;
        }
    }

    public void Snapshot(JsonElement snapshot)
    {
        // A default (undefined) element cannot be cloned; like JSON null it leaves no document to patch.
        var defined = snapshot.ValueKind != JsonValueKind.Undefined;
        _pending = defined ? snapshot.Clone() : null;
        _current = null;
        _materialized = !defined;
    }

    /// <summary>Applies a delta atomically; returns why it does not apply, or <see langword="null"/>.</summary>
    public string? TryApply(JsonElement delta, JsonPatchApplier applier)
    {
        Materialize();
        return applier.TryApply(ref _current, delta);
    }

    public void Reset()
    {
        _pending = _initial;
        _current = null;
        _materialized = false;
    }

    private void Materialize()
    {
        if (_materialized)
        {
            return;
        }

        _current = _pending is { } element ? JsonNodes.From(element) : new JsonObject();
        _pending = null;
        _materialized = true;
    }
}
