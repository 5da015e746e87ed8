using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// <see cref="ResumeAnswer.IdempotencyKey"/>: SHA-256 over the thread's key and the interrupt id, each length-prefixed
/// so no two different tuples hash the same input. Stable across processes and restarts (no secret to lose).
/// </summary>
internal static class InterruptIdempotencyKey
{
    private static readonly byte[] Domain = "agui-interrupt-idempotency/v1"u8.ToArray();

    public static string For(ThreadKey key, string interruptId)
    {
        var length = Domain.Length + 16
            + Encoding.UTF8.GetByteCount(key.Agent) + Encoding.UTF8.GetByteCount(key.Owner)
            + Encoding.UTF8.GetByteCount(key.ThreadId) + Encoding.UTF8.GetByteCount(interruptId);
        var input = new byte[length];
        Domain.CopyTo(input, 0);
        var at = Domain.Length;
        at = Append(input, at, key.Agent);
        at = Append(input, at, key.Owner);
        at = Append(input, at, key.ThreadId);
        Append(input, at, interruptId);
        return "idem_" + Base64Url.EncodeToString(SHA256.HashData(input));
    }

    private static int Append(byte[] buffer, int at, string part)
    {
        var written = Encoding.UTF8.GetBytes(part, buffer.AsSpan(at + 4));
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(at), written);
        return at + 4 + written;
    }
}
