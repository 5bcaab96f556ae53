namespace Hub.Functions.Idempotency;

/// <summary>
/// Marks a create that honours the <c>Idempotency-Key</c> header through <see cref="IdempotentCreates"/>, so the
/// OpenAPI document declares the header and its 400/409/422 answers on it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentCreateAttribute : Attribute;
