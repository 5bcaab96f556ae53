using Azure;

namespace Hub.Storage.Idempotency;

public enum IdempotencyClaimKind
{
    /// <summary>This request holds the key now and must carry the request out, then complete or release the claim.</summary>
    Claimed,

    /// <summary>The same request completed before: answer <see cref="IdempotencyClaim.Answer"/> again.</summary>
    Replay,

    /// <summary>The key was used for another request (method, path or body) within the retention window.</summary>
    Mismatch,

    /// <summary>The same request is being carried out by another attempt until <see cref="IdempotencyClaim.LeaseUntil"/>.</summary>
    InFlight,
}

/// <summary>
/// What claiming an idempotency key found. A <see cref="IdempotencyClaimKind.Claimed"/> claim names the row's ETag, so
/// only its holder can record the number, complete or release it, the number an abandoned attempt had taken, and when
/// this use of the key began (<see cref="Since"/>: the same for an attempt that takes over, new once the key expired).
/// </summary>
public sealed record IdempotencyClaim(
    IdempotencyClaimKind Kind,
    string Scope,
    string Key,
    ETag ETag = default,
    long? Number = null,
    IdempotencyAnswer? Answer = null,
    DateTimeOffset LeaseUntil = default,
    DateTimeOffset Since = default);

/// <summary>The answer a completed request gave: its status, Location and JSON body (null for none).</summary>
public sealed record IdempotencyAnswer(int Status, string? Location, string? Body);
