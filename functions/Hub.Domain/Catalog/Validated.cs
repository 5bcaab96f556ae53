namespace Hub.Domain.Catalog;

/// <summary>A value, or every problem that stopped it (never only the first): what the catalog and site checks return.</summary>
public sealed record Validated<T>
    where T : class
{
    private Validated(T? value, IReadOnlyList<CatalogProblem> problems)
    {
        Value = value;
        Problems = problems;
    }

    public T? Value { get; }

    public IReadOnlyList<CatalogProblem> Problems { get; }

    public bool IsValid => Problems.Count == 0;

    public static Validated<T> Ok(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), []);

    public static Validated<T> Invalid(IReadOnlyList<CatalogProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0)
        {
            throw new ArgumentException("An invalid value needs at least one problem.", nameof(problems));
        }

        return new(null, problems);
    }
}
