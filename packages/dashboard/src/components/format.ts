// Small display helpers: times, counts.
export function when(iso: string): string {
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

export function shortDay(day: string): string {
  return day.slice(5); // MM-DD
}
