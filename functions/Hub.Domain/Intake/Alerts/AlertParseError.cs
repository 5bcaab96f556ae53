namespace Hub.Domain.Intake.Alerts;

/// <summary>A field-level validation error: <paramref name="Field"/> is a JSON path into the body ("alerts[2].startsAt",
/// "$" for the body itself, "format" for the route), <paramref name="Rule"/> the rule it broke ("must be an RFC 3339 time").</summary>
public sealed record AlertParseError(string Field, string Rule)
{
    public override string ToString() => $"{Field}: {Rule}";
}
