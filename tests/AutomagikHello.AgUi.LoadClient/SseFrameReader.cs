namespace AutomagikHello.AgUi.LoadClient;

/// <summary>
/// A minimal SSE scanner: splits a response body into frames at <c>\n\n</c> (the servers under test write LF only and
/// JSON escapes every control character, so a blank line is always a frame end). No allocation per frame; the
/// current frame is valid until the next <see cref="MoveNextAsync"/>.
/// </summary>
internal sealed class SseFrameReader
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start; // first byte not yet returned
    private int _scan;  // where the search for the next frame end resumes
    private int _end;   // end of the buffered bytes
    private int _frameStart;
    private int _frameLength;

    public SseFrameReader(Stream stream, int bufferSize)
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
    }

    /// <summary>The current frame, without its closing blank line.</summary>
    public ReadOnlySpan<byte> Current => _buffer.AsSpan(_frameStart, _frameLength);

    /// <summary>Moves to the next frame; false at the end of the body (a trailing partial frame is dropped).</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var found = _buffer.AsSpan(_scan, _end - _scan).IndexOf("\n\n"u8);
            if (found >= 0)
            {
                _frameStart = _start;
                _frameLength = _scan + found - _start;
                _start = _scan = _scan + found + 2;
                return true;
            }

            _scan = Math.Max(_start, _end - 1);
            if (_start > 0)
            {
                var pending = _end - _start;
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
                _scan -= _start;
                _start = 0;
                _end = pending;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }
    }
}
