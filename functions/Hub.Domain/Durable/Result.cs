namespace Hub.Domain.Durable;

/// <summary>
/// The outcome of a domain decision: a value, or a refusal with a reason a person can act on. A refusal is never an
/// exception and never a silent no-op; the HTTP layer turns it into a 409/422 problem with this reason.
/// </summary>
public readonly record struct Result<T>
{
    private Result(T? value, string? reason)
    {
        Value = value;
        Reason = reason;
    }

    public T? Value { get; }

    public string? Reason { get; }

    public bool IsOk => Reason is null;

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Rejected(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(default, reason);
    }

    public Result<TOut> Map<TOut>(Func<T, TOut> map) => IsOk ? Result<TOut>.Ok(map(Value!)) : Result<TOut>.Rejected(Reason!);
}
