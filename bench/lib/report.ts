/** Collects figures as the steps produce them and prints them as one table at the end. */

export interface Row {
  figure: string;
  value: string;
  target?: string;
  reference?: string;
}

export class Report {
  readonly rows: Row[] = [];
  readonly notes: string[] = [];
  readonly failures: { step: string; error: string }[] = [];

  add(row: Row): void {
    this.rows.push(row);
    // Echo as we go so a long run shows progress and a crash later loses nothing.
    console.log(`  ${row.figure}: ${row.value}${row.target ? `  (target ${row.target})` : ''}${row.reference ? `  [${row.reference}]` : ''}`);
  }

  note(text: string): void {
    this.notes.push(text);
    console.log(`  note: ${text}`);
  }

  /** Runs one step; an error is printed and recorded, never thrown. */
  async step(name: string, fn: () => Promise<void>): Promise<void> {
    const t0 = performance.now();
    console.log(`\n== ${name}`);
    try {
      await fn();
      console.log(`   (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (err) {
      const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
      this.failures.push({ step: name, error: err instanceof Error ? err.message : String(err) });
      console.log(`!! step "${name}" failed after ${((performance.now() - t0) / 1000).toFixed(1)} s:\n${indent(msg)}`);
    }
  }

  print(header: string): void {
    const cols: (keyof Row)[] = ['figure', 'value', 'target', 'reference'];
    const cells = this.rows.map((r) => cols.map((c) => r[c] ?? ''));
    const titles = ['figure', 'value', 'target', 'reference'];
    const widths = titles.map((t, i) => Math.max(t.length, ...cells.map((row) => row[i].length)));
    const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();

    console.log(`\n${header}\n`);
    console.log(line(titles));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const row of cells) console.log(line(row));
    if (this.notes.length) {
      console.log('\nNotes:');
      for (const n of this.notes) console.log(`- ${n}`);
    }
    if (this.failures.length) {
      console.log('\nSteps that failed:');
      for (const f of this.failures) console.log(`- ${f.step}: ${f.error.split('\n')[0]}`);
    }

    console.log('\nMarkdown:\n');
    const esc = (s: string) => s.replace(/\|/g, '\\|');
    console.log('| figure | value | target | reference |');
    console.log('| --- | --- | --- | --- |');
    for (const row of cells) console.log(`| ${row.map(esc).join(' | ')} |`);
  }
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}
