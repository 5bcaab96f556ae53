namespace Hub.Standalone.TestFunctions;

public sealed record ApprovalRequest(string Name, int WaitSeconds);
