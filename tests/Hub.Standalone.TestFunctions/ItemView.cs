namespace Hub.Standalone.TestFunctions;

public sealed record ItemView(int Id, string Name);
