using System.Globalization;

namespace Hub.Domain.Changes;

/// <summary>The <c>NNN.NNN</c> part of a loadset name: two numbers from 0 to 999, always written with three digits.</summary>
public readonly record struct LoadsetVersion(int Major, int Minor) : IComparable<LoadsetVersion>
{
    public int CompareTo(LoadsetVersion other) => (Major, Minor).CompareTo((other.Major, other.Minor));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major:000}.{Minor:000}");

    public static bool operator <(LoadsetVersion left, LoadsetVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(LoadsetVersion left, LoadsetVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(LoadsetVersion left, LoadsetVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(LoadsetVersion left, LoadsetVersion right) => left.CompareTo(right) >= 0;
}
