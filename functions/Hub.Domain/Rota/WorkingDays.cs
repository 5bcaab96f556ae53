namespace Hub.Domain.Rota;

/// <summary>Monday to Friday; public holidays are not modelled (docs/incidents.md).</summary>
public static class WorkingDays
{
    public static bool IsWorkingDay(DateOnly day) => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The working day <paramref name="count"/> working days after <paramref name="day"/> (count 5 from a Friday: the next Friday).</summary>
    public static DateOnly Add(DateOnly day, int count)
    {
        DateOnly current = day;
        int step = count >= 0 ? 1 : -1;
        for (int left = Math.Abs(count); left > 0;)
        {
            current = current.AddDays(step);
            if (IsWorkingDay(current))
            {
                left--;
            }
        }

        return current;
    }
}
