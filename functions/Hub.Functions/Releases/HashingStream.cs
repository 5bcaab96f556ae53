using System.Security.Cryptography;

namespace Hub.Functions.Releases;

/// <summary>
/// A read-through stream that hashes (SHA-256) and counts what passes, and refuses to pass more than
/// <paramref name="maxBytes"/>: a package is checked while it streams into blob storage, never buffered whole.
/// </summary>
public sealed class HashingStream(Stream inner, long maxBytes) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    /// <summary>The I/O failure reading the inner stream (e.g. a dropped connection), or null.</summary>
    public Exception? SourceFailure { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    /// <summary>The lower-case hex SHA-256 of everything read so far (call once, at the end).</summary>
    public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            SourceFailure = ex;
            throw;
        }

        Count(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // Kept: whoever reads this stream (the blob upload) may wrap the exception in its own.
            SourceFailure = ex;
            throw;
        }

        Count(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Count(ReadOnlySpan<byte> data)
    {
        BytesRead += data.Length;
        if (BytesRead > maxBytes)
        {
            throw new PackageTooLargeException(maxBytes);
        }

        _hash.AppendData(data);
    }
}

/// <summary>A package (or release.xml) ran past its size limit while streaming.</summary>
public sealed class PackageTooLargeException(long limit) : IOException($"more than {limit} bytes")
{
    public long Limit { get; } = limit;
}
