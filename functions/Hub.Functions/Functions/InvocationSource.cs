namespace Hub.Functions.Functions;

/// <summary>Who asked for an invocation: the Functions host, the hub's own trigger runners, or the admin endpoint.</summary>
public enum InvocationSource
{
    FunctionsHost,
    Runner,
    Admin,
}
