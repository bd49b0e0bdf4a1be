// A stacked bar chart (Chart.js) with its figures also as a table, for screen readers and for
// anyone who wants the exact amounts: the caption says the total, the table every day's figure.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import type { JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { displayUsd, formatUsd, parseUsd, usdForChart } from "../money.js";
import { shortDay } from "./format.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface ChartSeries {
  label: string;
  /** Exact USD per day, in the order of `days`. */
  amounts: string[];
}

const PALETTE = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#be185d", "#65a30d", "#6b7280"];

/** The `max` largest series, the rest summed (exactly) into one "Other" series. */
export function topSeries(series: ReadonlyArray<ChartSeries>, max = 6): ChartSeries[] {
  if (series.length <= max + 1) return [...series];
  const kept = series.slice(0, max);
  const rest = series.slice(max);
  const days = rest[0]?.amounts.length ?? 0;
  const other = Array.from({ length: days }, (_, i) => formatUsd(rest.reduce((acc, s) => acc + parseUsd(s.amounts[i] ?? "0"), 0n)));
  return [...kept, { label: `Other (${rest.length})`, amounts: other }];
}

export function StackedBars(props: { id: string; title: string; days: string[]; series: ChartSeries[]; total: string }): JSX.Element {
  const { id, title, days, series, total } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<"bar"> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: "bar",
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { callback: (v) => `$${v}` } } },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${displayUsd(((item.dataset as { exact?: string[] }).exact ?? [])[item.dataIndex] ?? "0")}` } },
        },
      },
    });
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = days.map(shortDay);
    c.data.datasets = series.map((s, i) => ({
      label: s.label,
      data: s.amounts.map(usdForChart),
      exact: s.amounts,
      backgroundColor: PALETTE[i % PALETTE.length],
    }));
    c.update("none");
  }, [days, series]);

  const dayTotals = days.map((_, i) => formatUsd(series.reduce((acc, s) => acc + parseUsd(s.amounts[i] ?? "0"), 0n)));
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        {title}: <strong data-testid={`${id}-total`}>{displayUsd(total)}</strong>
      </figcaption>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={`${title}, ${displayUsd(total)} in total. The table below lists every day.`} />
      </div>
      <details>
        <summary>Figures as a table</summary>
        <div class="table-wrap">
          <table data-testid={`${id}-table`}>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                {series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {days.map((day, i) => (
                <tr key={day} data-day={day}>
                  <th scope="row">{day}</th>
                  {series.map((s) => (
                    <td key={s.label} class="num">
                      {displayUsd(s.amounts[i] ?? "0")}
                    </td>
                  ))}
                  <td class="num" data-total={dayTotals[i]}>
                    {displayUsd(dayTotals[i] ?? "0")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
