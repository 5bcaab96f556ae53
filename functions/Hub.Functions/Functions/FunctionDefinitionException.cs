namespace Hub.Functions.Functions;

/// <summary>A function.json the hub cannot use; the message starts with the file path.</summary>
public sealed class FunctionDefinitionException : Exception
{
    public FunctionDefinitionException(string file, string problem)
        : base($"{file}: {problem}")
    {
        File = file;
    }

    public FunctionDefinitionException()
    {
        File = "";
    }

    public FunctionDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "";
    }

    public string File { get; }
}
