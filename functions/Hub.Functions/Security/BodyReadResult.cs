using Microsoft.AspNetCore.Http.HttpResults;

namespace Hub.Functions.Security;

/// <summary>The exact raw bytes of a request body, or the refusal because it ran past <see cref="Limit"/>.</summary>
public sealed class BodyReadResult
{
    private BodyReadResult(ReadOnlyMemory<byte> body, long limit, bool tooLarge)
    {
        Body = body;
        Limit = limit;
        IsTooLarge = tooLarge;
    }

    /// <summary>The body as received; empty when <see cref="IsTooLarge"/>.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    public long Limit { get; }

    public bool IsTooLarge { get; }

    public static BodyReadResult Read(ReadOnlyMemory<byte> body, long limit) => new(body, limit, tooLarge: false);

    public static BodyReadResult TooLarge(long limit) => new(ReadOnlyMemory<byte>.Empty, limit, tooLarge: true);

    /// <summary>The 413 problem for a refused body (see <see cref="RequestBody.TooLarge"/>).</summary>
    public ProblemHttpResult ToProblem() => RequestBody.TooLarge(Limit);
}
