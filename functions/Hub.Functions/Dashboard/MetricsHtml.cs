using System.Globalization;
using System.Text;
using static Hub.Functions.Dashboard.DashboardHtml;

namespace Hub.Functions.Dashboard;

/// <summary>
/// The metrics page (docs/dashboard.md): the month range form, then per chart a figure with a server-rendered SVG bar
/// chart (axis labels, a hover title per bar), a legend, the same figures as a visually hidden table for screen
/// readers, and a link to the chart's CSV. Every figure comes from the <see cref="MetricChart"/> rows the CSV renders.
/// </summary>
public static class MetricsHtml
{
    // The SVG's own coordinates; it scales to its box's width.
    private const double Width = 640, Height = 260, Left = 56, Right = 12, Top = 14, Bottom = 46;

    private static readonly string[] Colors = ["#0969da", "#bf3989", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#0e7490", "#57606a"];

    private const string Style = """
        .range{display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:flex-end;margin-bottom:1rem}
        .range label{margin:0}.range div{display:flex;flex-direction:column}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,34rem),1fr));gap:1rem}
        .charts figure{margin:0;padding:.75rem;background:#fff;border:1px solid #d0d7de;border-radius:6px;min-width:0}
        .charts h2{font-size:1rem;margin:0 0 .5rem}
        .charts svg{width:100%;height:auto;display:block}
        .charts svg text{font:12px system-ui,sans-serif;fill:#57606a}
        .charts svg .grid{stroke:#d0d7de;stroke-width:1}
        @media (max-width:40rem){.charts svg text{font-size:20px}}
        .legend{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:.5rem 0;font-size:.875rem}
        .legend span{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-.1rem;border-radius:2px}
        .sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
        """;

    public static string Page(DashboardSession session, MonthRange range, IReadOnlyList<MetricChart> charts)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(charts);
        string query = Query(range);
        return DashboardHtml.Page("Metrics", session, $"""
            <style>{Style}</style>
            <h1>Metrics</h1>
            <form class="range" method="get" action="/metrics">
            <div><label for="from">From month</label><input type="month" id="from" name="from" value="{E(range.From)}" required></div>
            <div><label for="to">To month</label><input type="month" id="to" name="to" value="{E(range.To)}" required></div>
            <button type="submit">Show</button>
            </form>
            <p class="muted">UTC calendar months {E(range.From)} to {E(range.To)}; an event counts in the month it happened. Definitions: docs/releases.md (Metrics) and docs/dashboard.md.</p>
            <section id="charts" class="charts" data-live>
            {string.Concat(charts.Select(c => Figure(c, query)))}
            </section>
            """, "/metrics");
    }

    /// <summary>The range as the page's and the CSV links' query string.</summary>
    public static string Query(MonthRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        return $"?from={Uri.EscapeDataString(range.From)}&to={Uri.EscapeDataString(range.To)}";
    }

    private static string Figure(MetricChart chart, string query)
    {
        string id = "chart-" + chart.Name;
        var rows = new StringBuilder();
        foreach (MetricRow row in chart.Rows)
        {
            rows.Append("<tr><th scope=\"row\">").Append(E(row.Month)).Append("</th>");
            foreach (double? value in row.Values)
            {
                rows.Append("<td>").Append(E(MetricSeries.Number(value))).Append("</td>");
            }

            rows.Append("</tr>\n");
        }

        string legend = chart.Columns.Count == 0 ? "" : $"""<ul class="legend">{string.Concat(chart.Columns.Select((c, i) =>
            $"<li><span style=\"background:{Colors[i % Colors.Length]}\"></span>{E(c)}</li>"))}</ul>""";
        string body = chart.Columns.Count == 0
            ? "<p class=\"muted\">No figures in these months.</p>"
            : Svg(chart, id + "-title") + legend;
        return $"""
            <figure id="{E(id)}">
            <h2 id="{E(id)}-title">{E(chart.Definition.Title)}</h2>
            {body}
            <div class="sr-only">{Table(["Month", .. chart.Columns.Select(c => $"{c} ({chart.Definition.Unit})")], rows.ToString(), id + "-data")}</div>
            <figcaption><a href="/metrics/{E(chart.Name)}.csv{E(query)}">Download CSV</a> <span class="muted">({E(chart.Definition.Unit)} per month)</span></figcaption>
            </figure>

            """;
    }

    private static string Svg(MetricChart chart, string titleId)
    {
        double max = chart.Rows.SelectMany(r => r.Values).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Max();
        // Counts step in whole numbers; durations and averages may step in fractions.
        bool whole = chart.Rows.SelectMany(r => r.Values).All(v => v is null || v.Value == Math.Floor(v.Value));
        (double step, int ticks) = Axis(max, whole);
        double top = step * ticks;
        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        double Y(double value) => Top + plotHeight - (value / top * plotHeight);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg viewBox="0 0 {Width} {Height}" role="img" aria-labelledby="{E(titleId)}" focusable="false">""");
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="12" y="{Top + (plotHeight / 2):0.#}" transform="rotate(-90 12 {Top + (plotHeight / 2):0.#})" text-anchor="middle">{E(chart.Definition.Unit)}</text>""");
        for (int i = 0; i <= ticks; i++)
        {
            double value = step * i;
            double y = Y(value);
            svg.Append(CultureInfo.InvariantCulture, $"""<line class="grid" x1="{Left}" x2="{Width - Right}" y1="{y:0.#}" y2="{y:0.#}"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text class="y" x="{Left - 6}" y="{y + 4:0.#}" text-anchor="end">{E(MetricSeries.Number(value))}</text>""");
        }

        int months = chart.Rows.Count;
        double group = plotWidth / Math.Max(months, 1);
        double bar = group * 0.8 / chart.Columns.Count;
        int labelEvery = (int)Math.Ceiling(months / 12.0);
        for (int m = 0; m < months; m++)
        {
            MetricRow row = chart.Rows[m];
            double x0 = Left + (m * group);
            svg.Append(CultureInfo.InvariantCulture, $"""<g class="month" data-month="{E(row.Month)}">""");
            for (int s = 0; s < chart.Columns.Count; s++)
            {
                if (row.Values[s] is not { } value)
                {
                    continue;
                }

                // A zero is drawn one unit tall so its hover title can be reached.
                double height = Math.Max(plotHeight * value / top, 1);
                svg.Append(CultureInfo.InvariantCulture,
                    $"""<rect x="{x0 + (group * 0.1) + (s * bar):0.##}" y="{Top + plotHeight - height:0.##}" width="{Math.Max(bar - 1, 1):0.##}" height="{height:0.##}" fill="{Colors[s % Colors.Length]}" data-value="{MetricSeries.Number(value)}"><title>{E($"{row.Month}, {chart.Columns[s]}: {MetricSeries.Number(value)} {chart.Definition.Unit}")}</title></rect>""");
            }

            if (m % labelEvery == 0)
            {
                DateTime month = MetricSeries.ParseMonth(row.Month)!.Value;
                double cx = x0 + (group / 2);
                svg.Append(CultureInfo.InvariantCulture, $"""<text class="x" x="{cx:0.#}" y="{Height - Bottom + 16}" text-anchor="middle">{month.ToString("MMM", CultureInfo.InvariantCulture)}</text>""");
                if (m == 0 || month.Month <= labelEvery)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"""<text class="x" x="{cx:0.#}" y="{Height - Bottom + 32}" text-anchor="middle">{month.Year}</text>""");
                }
            }

            svg.Append("</g>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" x2="{Width - Right}" y1="{Top + plotHeight}" y2="{Top + plotHeight}" stroke="#57606a"/>""");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// The gridlines: the smallest round step (1, 2, 2.5, 5 times a power of ten; whole and at least 1 for counts) that
    /// covers <paramref name="max"/> in at most five steps, and how many steps.
    /// </summary>
    private static (double Step, int Ticks) Axis(double max, bool whole)
    {
        if (max <= 0)
        {
            return (1, 1);
        }

        double first = Math.Pow(10, Math.Floor(Math.Log10(max / 5)));
        for (double magnitude = whole ? Math.Max(1, first) : first; ; magnitude *= 10)
        {
            foreach (double f in new[] { 1, 2, 2.5, 5 })
            {
                double step = f * magnitude;
                if ((whole && (step < 1 || step != Math.Floor(step))) || Math.Ceiling(max / step) > 5)
                {
                    continue;
                }

                return (step, Math.Max(1, (int)Math.Ceiling(max / step)));
            }
        }
    }
}
