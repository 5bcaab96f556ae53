namespace Hub.Functions.Idempotency;

/// <summary>
/// What a create decided: the success to answer (and keep for a repeat of the request), or a refusal that stored
/// nothing and is answered as it is, leaving the key free for a corrected retry.
/// </summary>
public sealed record CreateAnswer(int Status, string? Location, object? Value, IResult? Refusal = null)
{
    public static CreateAnswer Created(string location, object value) => new(StatusCodes.Status201Created, location, value);

    public static CreateAnswer Accepted(string location) => new(StatusCodes.Status202Accepted, location, null);

    public static CreateAnswer Ok(object value) => new(StatusCodes.Status200OK, null, value);

    public static CreateAnswer Refused(IResult refusal) => new(0, null, null, refusal);
}
