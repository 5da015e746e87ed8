namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// Identifies one thread in a store: the agent it belongs to, the principal that owns it and the client's thread id.
/// Another owner's thread with the same id is another thread, so it is simply not found.
/// </summary>
/// <param name="Agent">The agent's name (its mapped path or a name the host chose).</param>
/// <param name="Owner">The owning principal (see the hosting layer's owner resolver).</param>
/// <param name="ThreadId">The thread id the client minted.</param>
public readonly record struct ThreadKey(string Agent, string Owner, string ThreadId)
{
    /// <inheritdoc />
    public override string ToString() => $"{Agent}/{Owner}/{ThreadId}";
}
