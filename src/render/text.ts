/**
 * The report for a terminal (the CLI's stdout): aligned columns, no Markdown. Every value from the data
 * is made one line and stripped of control characters, so a name cannot move the cursor or recolour
 * the terminal. Color (ANSI) only when asked.
 */
import { fmt } from '../format.js';
import type {
  AdviceSection,
  BestSection,
  GatesSection,
  InteractionsSection,
  ParametersSection,
  QualitySection,
  ReportModel,
  Section,
  TableModel,
} from '../report/model.js';
import { truncateName } from '../names.js';
import { oneLine } from './escape.js';

export interface TextOptions {
  /** ANSI colors (default false). */
  readonly color?: boolean;
  /** Line width (default 80, a terminal's columns when it is one); tables and text fit it. */
  readonly width?: number;
  /** Every row of every section (default: the top entries, with a count of the rest). */
  readonly full?: boolean;
}

/** Rows of a long section shown without --full. */
const SHORT = { parameters: 15, levels: 12, best: 20, outliers: 5, advice: 8, interactions: 5 } as const;

interface Style {
  bold: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  dim: (s: string) => string;
}

const plain: Style = { bold: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s, dim: (s) => s };
const ansi: Style = {
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
  red: (s) => `\x1b[31m${s}\x1b[39m`,
  green: (s) => `\x1b[32m${s}\x1b[39m`,
  yellow: (s) => `\x1b[33m${s}\x1b[39m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
};

/** A value from the data, safe for a terminal, at most `max` characters. */
function clean(text: string, max = 72): string {
  return truncateName(oneLine(text), max);
}

function len(s: string): number {
  return Array.from(s).length;
}

function pad(s: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - len(s)));
  return right ? fill + s : s + fill;
}

/** Words of `text` in lines of at most `width` characters, each line starting with `indent`. */
function wrap(text: string, width: number, indent = '  '): string[] {
  const room = Math.max(20, width - len(indent));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (word === '') continue;
    if (line !== '' && len(line) + 1 + len(word) > room) {
      lines.push(indent + line);
      line = '';
    }
    line = line === '' ? word : `${line} ${word}`;
    // a word longer than the line (a long name) is broken where the line ends
    while (len(line) > room) {
      const points = Array.from(line);
      lines.push(indent + points.slice(0, room).join(''));
      line = points.slice(room).join('');
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

function more(shown: number, total: number, what: string): string[] {
  return total > shown ? [`  … ${total - shown} more ${what} (--full lists them)`] : [];
}

/**
 * Aligned columns that fit `width`: the flexible column (`flex`, names) gives way first, down to 12
 * characters; a table that still does not fit drops its rightmost columns (`optional` of them may go).
 */
function columns(
  header: string[],
  rows: string[][],
  right: boolean[],
  width: number,
  flex = -1,
  optional = 0,
): string[] {
  let keep = header.length;
  const gap = 2;
  const widths = header.map((h, j) => Math.max(len(h), ...rows.map((r) => len(oneLine(r[j] ?? '')))));
  const totalOf = (k: number): number => widths.slice(0, k).reduce((a, b) => a + b, 0) + gap * (k - 1) + 2;
  if (flex >= 0 && totalOf(keep) > width) {
    widths[flex] = Math.max(len(header[flex]), 12, widths[flex] - (totalOf(keep) - width));
  }
  while (optional > 0 && totalOf(keep) > width) {
    keep--;
    optional--;
  }
  const cut = (s: string, j: number) => {
    const c = oneLine(s);
    return len(c) > widths[j] ? truncateName(c, widths[j]) : c;
  };
  const line = (cells: string[]) =>
    '  ' +
    cells
      .slice(0, keep)
      .map((c, j) => pad(cut(c, j), widths[j], right[j]))
      .join(' '.repeat(gap))
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * A table of the report model, laid out for the terminal: aligned columns when they fit `width` (the
 * `flex` column shortened, down to 12 characters, `optional` columns dropped from the right), else one
 * wrapped record per row ("- first cell: header value; header value; …"), so nothing runs past it.
 */
function modelColumns(t: TableModel, rows: string[][], width: number, flex: number, optional = 0): string[] {
  const lines = columns(
    t.header,
    rows,
    t.align.map((a) => a === 'r'),
    width,
    flex,
    optional,
  );
  if (lines.every((l) => len(l) <= width)) return lines;
  const out: string[] = [];
  for (const row of rows) {
    const fields = row
      .slice(1)
      .map((c, j) => (c === '' ? '' : `${t.header[j + 1]} ${oneLine(c)}`.trim()))
      .filter((f) => f !== '');
    const wrapped = wrap(`- ${oneLine(row[0])}: ${fields.join('; ')}`, width, '    ');
    wrapped[0] = '  ' + wrapped[0].trimStart();
    out.push(...wrapped);
  }
  return out;
}

export function renderText(model: ReportModel, options: TextOptions = {}): string {
  const st = options.color ? ansi : plain;
  const width = Math.max(40, options.width ?? 80);
  const full = options.full === true;
  const out: string[] = [];
  const { title, headline } = model;
  out.push(st.bold(`Sweep insights: ${clean(title.target, 60)} (${title.goal})`));
  if (title.sweep) {
    const extra = [title.sweep.name ? `"${title.sweep.name}"` : null, title.sweep.state, title.sweep.method]
      .filter((x): x is string => !!x)
      .map((x) => clean(x, 40));
    out.push(
      ...wrap(
        `Runs: ${clean(title.sweep.what ?? 'W&B sweep', 40)} ${clean(title.sweep.label)}${extra.length ? ` (${extra.join(', ')})` : ''} ${clean(title.sweep.url, 200)}`,
        width,
        '',
      ),
    );
  } else {
    out.push(...wrap(`Runs: ${clean(title.source, 200)}`, width, ''));
  }
  if (title.targetReading) out.push(...wrap(`Target: ${clean(title.targetReading, 200)}.`, width, ''));
  if (title.goalAssumed) {
    out.push(...wrap(`Goal assumed: ${clean(title.goalReason, 200)} (set it with --goal).`, width, ''));
  }
  out.push('');
  for (const w of headline.warnings)
    out.push(...wrap(`WARNING: ${clean(w, 400)}`, width, '').map((l) => st.yellow(l)));
  if (headline.warnings.length > 0) out.push('');
  if (headline.verdict.length > 0) {
    const paint = headline.tone === 'nothing' ? st.yellow : (x: string) => x;
    out.push(st.bold('Verdict'));
    for (const v of headline.verdict) out.push(...wrap(clean(v, 600), width).map((l) => paint(l)));
    if (headline.disagreement)
      out.push(...wrap(clean(headline.disagreement, 600), width).map((l) => st.dim(l)));
  }
  if (headline.vsBase) {
    out.push(st.bold('Against the baseline'));
    for (const v of headline.vsBase) out.push(...wrap(clean(v, 600), width));
  }
  if (headline.best) {
    out.push(
      ...wrap(
        `Best ${clean(title.target, 40)}: ${fmt(headline.best.value, 6)} ${clean(headline.best.who, 200)}` +
          (headline.best.ties ? ` — ${clean(headline.best.ties, 300)}` : ''),
        width,
        '',
      ),
    );
  }
  if (headline.gates) {
    const { passed, failed } = headline.gates;
    out.push(
      failed > 0
        ? st.red(`Gates: ${failed} failed, ${passed} passed`)
        : st.green(`Gates: all ${passed} passed`),
    );
  }

  for (const s of model.sections) {
    const body = section(s, st, width, full);
    if (body.length === 0) continue;
    out.push('', st.bold(s.heading), ...body);
  }
  const f = model.footer;
  out.push(
    '',
    st.dim(`${clean(f.engine)} ${clean(f.version)} · extra trees: ${f.trees} trees, seed ${f.seed}`),
  );
  return out.join('\n') + '\n';
}

function section(s: Section, st: Style, width: number, full: boolean): string[] {
  switch (s.kind) {
    case 'gates':
      return gates(s, st, width);
    case 'parameters':
      return parameters(s, width, full);
    case 'fidelity':
      return [
        ...wrap(s.sentences.map((x) => clean(x, 600)).join(' '), width),
        ...(s.ranking.rows.length > 0
          ? modelColumns(s.ranking, s.ranking.rows.slice(0, full ? Infinity : 8), width, 1)
          : []),
        ...(s.agreement.rows.length > 0
          ? ['', ...modelColumns(s.agreement, s.agreement.rows, width, 0)]
          : []),
      ];
    case 'comparison': {
      const rows = full ? s.shifts.rows : s.shifts.rows.slice(0, Math.max(s.flagged, 5));
      return [
        ...modelColumns(s.shifts, rows, width, 0),
        ...more(rows.length, s.shifts.rows.length, 'parameters'),
      ];
    }
    case 'charts':
      return []; // charts are for the Markdown report; the numbers are in the tables here
    case 'best':
      return best(s, width, full);
    case 'quality':
      return quality(s, width, full);
    case 'advice':
      return advice(s, width, full);
    case 'interactions':
      return interactions(s, width, full);
    case 'runs':
      return wrap(s.sentences.map((x) => clean(x, 400)).join(' '), width);
    case 'next-sweep':
      return wrap('written with --next-sweep FILE; also in the Markdown report (--markdown FILE)', width);
    case 'ols-summary':
      return full
        ? s.text
            .trimEnd() // linear; a regex /\s+$/ is quadratic on long padded lines
            .split('\n')
            .map((l) => '  ' + oneLine(l))
        : wrap('statsmodels-style summary: --full prints it (also in the Markdown report)', width);
  }
}

/** One wrapped line per rule: the rule as written matters more than alignment. */
function gates(s: GatesSection, st: Style, width: number): string[] {
  const lines: string[] = [];
  for (const g of s.rows) {
    const text =
      `${g.passed ? 'pass' : 'FAIL'}  ${clean(g.text, 200)}: measured ${g.value === null ? 'n/a' : fmt(g.value, 4)}` +
      (g.caveat ? ` (unreliable: ${g.caveat})` : '');
    const wrapped = wrap(text, width, '        ');
    wrapped[0] = '  ' + wrapped[0].trimStart();
    lines.push(...wrapped.map((l) => (g.passed ? st.green(l) : st.red(l))));
  }
  return lines;
}

function parameters(s: ParametersSection, width: number, full: boolean): string[] {
  const limit = full ? Infinity : SHORT.parameters;
  const shown = s.main.rows.slice(0, limit);
  const lines =
    shown.length > 0
      ? modelColumns(s.main, shown, width, 1, 1)
      : ['  No hyperparameter varies in the runs used.'];
  lines.push(...more(shown.length, s.main.rows.length, 'parameters'));
  if (full) {
    lines.push('', '  All statistics:', ...modelColumns(s.stats, s.stats.rows, width, 0));
  }
  if (s.levels.rows.length > 0) {
    const levels = s.levels.rows.slice(0, full ? Infinity : SHORT.levels);
    lines.push('', '  Levels of the categorical parameters:', ...modelColumns(s.levels, levels, width, 0));
    lines.push(...more(levels.length, s.levels.rows.length, 'levels'));
  }
  const notes: string[] = [];
  if (s.constant.length > 0) {
    const names = s.constant
      .slice(0, full ? Infinity : 8)
      .map((c) => `${clean(c.name, 40)} = ${clean(c.value, 24)}`);
    const rest = s.constant.length - names.length;
    notes.push(`Constant (not ranked): ${names.join(', ')}${rest > 0 ? `, … ${rest} more` : ''}`);
  }
  if (s.idLike.length > 0)
    notes.push(`Look like ids, not hyperparameters: ${s.idLike.map((n) => clean(n, 40)).join(', ')}`);
  if (s.dropped.length > 0) {
    const names = s.dropped.slice(0, full ? Infinity : 8).map((n) => clean(n, 40));
    const rest = s.dropped.length - names.length;
    notes.push(
      `Dropped (no value in any run used): ${names.join(', ')}${rest > 0 ? `, … ${rest} more` : ''}`,
    );
  }
  if (full) notes.push(...s.notes);
  for (const n of notes) lines.push('', ...wrap(clean(n, 2000), width));
  if (!full)
    lines.push(
      '',
      ...wrap(
        '--full adds the notebook’s statistics (importance, coefficient, p) and how to read them.',
        width,
      ),
    );
  return lines;
}

function best(s: BestSection, width: number, full: boolean): string[] {
  const lines = wrap(
    `${fmt(s.value, 6)} ${clean(s.who, 200)}${s.url ? ` ${clean(s.url, 200)}` : ''}${s.ties ? `. ${clean(s.ties, 300)}` : ''}`,
    width,
  );
  const rows = s.params.rows.slice(0, full ? Infinity : SHORT.best);
  if (rows.length > 0) lines.push(...modelColumns(s.params, rows, width, 0));
  lines.push(...more(rows.length, s.params.rows.length, 'hyperparameters'));
  if (s.unset.length > 0)
    lines.push(`  not set by this run: ${s.unset.length} parameter${s.unset.length === 1 ? '' : 's'}`);
  return lines;
}

function quality(s: QualitySection, width: number, full: boolean): string[] {
  const lines: string[] = [];
  for (const f of s.facts) lines.push(...wrap(clean(f, 400), width));
  for (const x of s.sentences) lines.push(...wrap(clean(x, 400), width));
  const rows = s.outliers.rows.slice(0, full ? Infinity : SHORT.outliers);
  if (rows.length > 0) {
    lines.push(...modelColumns(s.outliers, rows, width, 1));
    lines.push(...more(rows.length, s.outliers.rows.length, 'outliers'));
  }
  return lines;
}

function advice(s: AdviceSection, width: number, full: boolean): string[] {
  const lines = wrap(`Where the best ${s.bestCount} runs sit (parameters that matter first):`, width);
  const rows = s.rows.slice(
    0,
    full ? Infinity : Math.max(SHORT.advice, s.rows.filter((r) => r.matters).length),
  );
  for (const a of rows) {
    const text = `- ${clean(a.parameter, 40)}${a.matters ? ' (matters)' : ''}: ${clean(a.text, 600)}`;
    const wrapped = wrap(text, width, '    ');
    wrapped[0] = '  ' + wrapped[0].trimStart();
    lines.push(...wrapped);
  }
  lines.push(...more(rows.length, s.rows.length, 'parameters'));
  return lines;
}

/** One wrapped line per interaction: the reading needs the room more than the alignment. */
function interactions(s: InteractionsSection, width: number, full: boolean): string[] {
  const rows = s.table.rows.slice(0, full ? Infinity : SHORT.interactions);
  const lines: string[] = [];
  for (const [a, b, strength, reading] of rows) {
    const wrapped = wrap(
      `- ${clean(a, 40)} × ${clean(b, 40)} (${strength}): ${clean(reading, 400)}`,
      width,
      '    ',
    );
    wrapped[0] = '  ' + wrapped[0].trimStart();
    lines.push(...wrapped);
  }
  return [...lines, ...more(rows.length, s.table.rows.length, 'interactions')];
}
