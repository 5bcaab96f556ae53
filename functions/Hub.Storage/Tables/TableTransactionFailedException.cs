using Azure;

namespace Hub.Storage.Tables;

/// <summary>
/// An entity group transaction was refused and nothing in it was applied. <see cref="RequestFailedException.Status"/>
/// and <see cref="RequestFailedException.ErrorCode"/> are those of the failing operation (e.g. 412 ConditionNotMet,
/// 409 EntityAlreadyExists); <see cref="FailedIndex"/> is its position in the submitted list, when the service says.
/// </summary>
public sealed class TableTransactionFailedException : RequestFailedException
{
    public TableTransactionFailedException(int status, string message, string? errorCode, int? failedIndex)
        : base(status, message, errorCode, null)
    {
        FailedIndex = failedIndex;
    }

    public TableTransactionFailedException(string message)
        : base(message)
    {
    }

    public TableTransactionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TableTransactionFailedException()
        : base("The table transaction failed.")
    {
    }

    /// <summary>The zero-based index of the action that failed, parsed from the service's "n:" message prefix.</summary>
    public int? FailedIndex { get; }
}
