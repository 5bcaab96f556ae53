using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hub.Functions.Hosting;
using Hub.Functions.Http;
using Hub.Functions.Security;
using Hub.Storage.Idempotency;
using Hub.Storage.Tickets;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Hub.Functions.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> header on the API's creates (docs/api.md): the key is claimed per caller before anything
/// is stored or a number taken; the same key with the same request (method, path, body bytes) gets the first answer
/// again, marked <c>Idempotent-Replayed: true</c>; with another request a 422; while the first is still being carried
/// out a 409 with Retry-After. Keys are kept for <see cref="HubOptions.IdempotencyRetention"/>, then forgotten.
/// A refusal stores nothing and frees the key. Without the header a create runs as it always did.
/// </summary>
public sealed class IdempotentCreates(IdempotencyStore store, HubOptions options, TimeProvider clock)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>How long an attempt holds its key: a retry after that (the attempt crashed, storage failed) takes it over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>A create that opens no new number (a comment, a hand-off); <c>create</c> gets the inbox id to commit under.</summary>
    public Task<IResult> CreateAsync(HttpRequest request, ReadOnlyMemory<byte> body, Func<string?, Task<CreateAnswer>> create, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(create);
        return RunAsync(request, body, null, (_, inbox) => create(inbox), ct);
    }

    /// <summary>
    /// A create that opens a ticket or release: <c>create</c> gets its number, taken once the key is claimed and kept
    /// with it (a retry that takes over a stalled attempt gets the same number), and the inbox id.
    /// </summary>
    public Task<IResult> CreateNumberedAsync(
        HttpRequest request, ReadOnlyMemory<byte> body, TicketNumbers numbers, Func<long, string?, Task<CreateAnswer>> create, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        ArgumentNullException.ThrowIfNull(create);
        return RunAsync(request, body, numbers, (number, inbox) => create(number!.Value, inbox), ct);
    }

    private async Task<IResult> RunAsync(
        HttpRequest request, ReadOnlyMemory<byte> body, TicketNumbers? numbers, Func<long?, string?, Task<CreateAnswer>> create, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        StringValues header = request.Headers[Header];
        if (header.Count == 0)
        {
            long? number = numbers is null ? null : await numbers.NextAsync(ct);
            return Plain(await create(number, null));
        }

        if (Invalid(header) is { } malformed)
        {
            return malformed;
        }

        string key = header[0]!;
        string scope = request.HttpContext.GetRequiredApiCaller().Name;
        IdempotencyClaim claim = await store.ClaimAsync(scope, key, Hash(request, body.Span), clock.GetUtcNow(), options.IdempotencyRetention, Lease, ct);
        switch (claim.Kind)
        {
            case IdempotencyClaimKind.Mismatch:
                return IdempotencyProblems.Reused(key, options.IdempotencyRetention);
            case IdempotencyClaimKind.InFlight:
                return IdempotencyProblems.InFlight(request.HttpContext, key, claim.LeaseUntil - clock.GetUtcNow());
            case IdempotencyClaimKind.Replay:
                return new StoredAnswerResult(claim.Answer!.Status, claim.Answer.Location, claim.Answer.Body, replayed: true);
        }

        long? taken = claim.Number;
        if (numbers is not null && taken is null)
        {
            taken = await numbers.NextAsync(ct);
            if (await store.RecordNumberAsync(claim, taken.Value, ct) is not { } recorded)
            {
                // This attempt stalled past its lease and a retry took the key over: that one answers.
                return IdempotencyProblems.InFlight(request.HttpContext, key, Lease);
            }

            claim = recorded;
        }

        // The aggregate's inbox keeps its rows for good, the key only for the retention window: its inbox id names
        // this use of the key, so a repeat within the window is a no-op and a use after it is a new request.
        string inbox = ApiAnswers.InboxId(scope, key) + "@" + claim.Since.UtcTicks.ToString(CultureInfo.InvariantCulture);
        CreateAnswer answer = await create(taken, inbox);
        if (answer.Refusal is { } refusal)
        {
            await store.ReleaseAsync(claim, ct);
            return refusal;
        }

        JsonSerializerOptions json = request.HttpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        string? text = answer.Value is { } value ? JsonSerializer.Serialize(value, value.GetType(), json) : null;
        // Answered even if a retry took the key over meanwhile: both committed under one inbox id, so once.
        await store.CompleteAsync(claim, new IdempotencyAnswer(answer.Status, answer.Location, text), ct);
        return new StoredAnswerResult(answer.Status, answer.Location, text, replayed: false);
    }

    private static IResult Plain(CreateAnswer answer) => answer.Refusal ?? answer.Status switch
    {
        StatusCodes.Status201Created => TypedResults.Created(answer.Location, answer.Value),
        StatusCodes.Status202Accepted => TypedResults.Accepted(answer.Location, answer.Value),
        _ => TypedResults.Ok(answer.Value),
    };

    private static IResult? Invalid(StringValues header)
    {
        if (header.Count > 1)
        {
            return IdempotencyProblems.Malformed($"Send one {Header} header, not {header.Count}.");
        }

        string key = header[0] ?? "";
        if (key.Length is 0 or > MaxKeyLength)
        {
            return IdempotencyProblems.Malformed($"The {Header} header must be 1-{MaxKeyLength} characters long, not {key.Length}.");
        }

        return key.All(c => c is >= ' ' and <= '~') ? null
            : IdempotencyProblems.Malformed($"The {Header} header may hold only printable ASCII characters (space to ~).");
    }

    /// <summary>The SHA-256 of what makes two requests the same one: method, path with query, and the body's bytes.</summary>
    private static string Hash(HttpRequest request, ReadOnlySpan<byte> body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method.ToUpperInvariant()}\n{request.Path}{request.QueryString}\n"));
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
