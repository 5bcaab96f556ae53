namespace Hub.Standalone.TestFunctions;

public sealed record WorkItem(string Id, bool Fail);
