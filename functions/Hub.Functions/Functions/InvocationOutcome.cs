namespace Hub.Functions.Functions;

/// <summary>A finished invocation: the handler's result, or the exception it failed with.</summary>
public sealed record InvocationOutcome(FunctionResult? Result, Exception? Error)
{
    public bool Succeeded => Error is null;
}
