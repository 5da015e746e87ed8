using System.Buffers;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// A request body as it arrives: chunks rented from the shared array pool, so the memory held grows with the bytes
/// received (never with the <c>Content-Length</c> declared), each chunk counted against the
/// <see cref="PendingBodyBudget"/> of all bodies still arriving. Dispose it to give every chunk back.
/// </summary>
internal sealed class PooledBodyBuffer(PendingBodyBudget budget) : IDisposable
{
    /// <summary>The first chunk; each next one doubles, up to <see cref="MaxChunkBytes"/>.</summary>
    public const int FirstChunkBytes = 4 * 1024;

    /// <summary>The largest chunk, and so the most a body's chunks can hold beyond its bytes.</summary>
    public const int MaxChunkBytes = 64 * 1024;

    private readonly List<byte[]> _chunks = [];
    private int _usedInLast;

    /// <summary>The bytes received so far.</summary>
    public long Length { get; private set; }

    /// <summary>Appends <paramref name="data"/>; <see langword="false"/> when the budget refuses the chunk it needs.</summary>
    public bool TryAppend(in ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            if (!TryAppend(segment.Span))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The whole body as one block of memory, valid until this buffer is disposed: the first chunk itself when the body
    /// fits in it (no copy), else a copy in one array of its exact size.
    /// </summary>
    public ReadOnlyMemory<byte> AsMemory() => _chunks.Count switch
    {
        0 => ReadOnlyMemory<byte>.Empty,
        1 => _chunks[0].AsMemory(0, _usedInLast),
        _ => ToArray(),
    };

    /// <summary>A copy of the whole body in one array of its exact size, owned by the caller (nothing pooled in it).</summary>
    public byte[] ToArray()
    {
        var body = GC.AllocateUninitializedArray<byte>(checked((int)Length));
        var offset = 0;
        for (var i = 0; i < _chunks.Count; i++)
        {
            var used = i == _chunks.Count - 1 ? _usedInLast : Capacity(i);
            _chunks[i].AsSpan(0, used).CopyTo(body.AsSpan(offset));
            offset += used;
        }

        return body;
    }

    public void Dispose()
    {
        for (var i = 0; i < _chunks.Count; i++)
        {
            budget.Give(Capacity(i));
            ArrayPool<byte>.Shared.Return(_chunks[i]);
        }

        _chunks.Clear();
        _usedInLast = 0;
        Length = 0;
    }

    private bool TryAppend(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_chunks.Count == 0 || _usedInLast == Capacity(_chunks.Count - 1))
            {
                var size = Capacity(_chunks.Count);
                if (!budget.TryTake(size))
                {
                    return false;
                }

                // A power of two: the shared pool hands out exactly this length, so what is counted is what is held.
                _chunks.Add(ArrayPool<byte>.Shared.Rent(size));
                _usedInLast = 0;
            }

            var last = _chunks[^1];
            var count = Math.Min(data.Length, Capacity(_chunks.Count - 1) - _usedInLast);
            data[..count].CopyTo(last.AsSpan(_usedInLast));
            _usedInLast += count;
            Length += count;
            data = data[count..];
        }

        return true;
    }

    // 4, 8, 16, 32, 64, 64, … KiB: a small body takes one small chunk, a large one few copies and little slack.
    private static int Capacity(int index) => index >= 4 ? MaxChunkBytes : FirstChunkBytes << index;
}

/// <summary>
/// The bytes held by request bodies still arriving, across all requests, bounded by
/// <see cref="AgUiOptions.MaxPendingRequestBodyBytes"/>: past it a new request body is refused at once (503) instead
/// of letting many slow bodies exhaust memory.
/// </summary>
internal sealed class PendingBodyBudget(long limit)
{
    private long _held;

    /// <summary>The bytes held now.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>Counts <paramref name="bytes"/> more, unless that would exceed the limit.</summary>
    public bool TryTake(int bytes)
    {
        if (Interlocked.Add(ref _held, bytes) <= limit)
        {
            return true;
        }

        Interlocked.Add(ref _held, -bytes);
        return false;
    }

    /// <summary>Counts <paramref name="bytes"/> as given back.</summary>
    public void Give(int bytes) => Interlocked.Add(ref _held, -bytes);
}
