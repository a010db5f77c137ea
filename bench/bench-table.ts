import os from 'node:os';

/** Prints benchmark rows as a fixed-width table with the machine it ran on. */
export function printTable(title: string, columns: string[], rows: (string | number)[][], notes: string[] = []): void {
  const cells = [columns, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) => '| ' + r.map((c, i) => String(c).padEnd(widths[i]!)).join(' | ') + ' |';
  const out: string[] = [];
  out.push(`\n${title}`);
  out.push(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  for (const note of notes) out.push(note);
  out.push(line(cells[0]!));
  out.push('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of cells.slice(1)) out.push(line(r));
  process.stdout.write(out.join('\n') + '\n');
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toFixed(n < 10 ? 2 : 1);
}
