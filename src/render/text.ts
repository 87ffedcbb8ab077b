/**
 * The report for a terminal (the CLI's stdout): aligned columns, no Markdown. Every value from the data
 * is made one line and stripped of control characters, so a name cannot move the cursor or recolour
 * the terminal. Color (ANSI) only when asked.
 */
import { DASH, fmt, fmtFixed, fmtP, fmtSigned } from '../report/format.js';
import type {
  AdviceSection,
  BestSection,
  GatesSection,
  InteractionsSection,
  ParametersSection,
  QualitySection,
  ReportModel,
  RunsSection,
  Section,
} from '../report/model.js';
import { truncateName } from '../report/names.js';
import { oneLine } from './escape.js';

export interface TextOptions {
  /** ANSI colors (default false). */
  readonly color?: boolean;
  /** Target line width for tables (default 120); long names are shortened to fit. */
  readonly width?: number;
}

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

/**
 * Aligned columns. `flex` is the column that gives way (its cells are shortened) when the table would be
 * wider than `width`.
 */
function columns(header: string[], rows: string[][], right: boolean[], width: number, flex = -1): string[] {
  const widths = header.map((h, j) => Math.max(len(h), ...rows.map((r) => len(r[j] ?? ''))));
  const gap = 2;
  const total = widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1) + 2;
  // Names stay readable: the flexible column never goes below 32 characters (the line runs long instead).
  if (flex >= 0 && total > width) {
    widths[flex] = Math.min(widths[flex], Math.max(len(header[flex]), 32, widths[flex] - (total - width)));
  }
  const cut = (s: string, j: number) => (len(s) > widths[j] ? truncateName(s, widths[j]) : s);
  const line = (cells: string[]) =>
    '  ' +
    cells
      .map((c, j) => pad(cut(c, j), widths[j], right[j]))
      .join(' '.repeat(gap))
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export function renderText(model: ReportModel, options: TextOptions = {}): string {
  const st = options.color ? ansi : plain;
  const width = options.width ?? 120;
  const out: string[] = [];
  const { title, headline } = model;
  out.push(st.bold(`Sweep insights: ${clean(title.target)} (${title.goal})`));
  if (title.goalAssumed)
    out.push(`Goal ${title.goal}, assumed: ${clean(title.goalReason, 200)} (set it with --goal).`);
  if (title.sweep) {
    const extra = [
      title.sweep.name ? `"${clean(title.sweep.name)}"` : null,
      title.sweep.state,
      title.sweep.method,
    ]
      .filter((x): x is string => !!x)
      .map((x) => clean(x));
    out.push(
      `Runs: W&B sweep ${clean(title.sweep.label)}${extra.length ? ` (${extra.join(', ')})` : ''} ${clean(title.sweep.url, 200)}`,
    );
  } else {
    out.push(`Runs: ${clean(title.source, 200)}`);
  }
  out.push('');
  for (const w of headline.warnings) out.push(st.yellow(`WARNING: ${clean(w, 400)}`));
  if (headline.warnings.length > 0) out.push('');
  if (headline.top.length > 0) {
    out.push(
      `Most important: ${headline.top
        .map(
          (t) =>
            `${clean(t.name)} ${fmtFixed(t.importance, 3)}${t.matters === false ? ' (not significant)' : ''}`,
        )
        .join(', ')}`,
    );
  }
  if (headline.best) {
    out.push(
      `Best ${clean(title.target)}: ${fmt(headline.best.value, 6)}${headline.best.name ? ` (${clean(headline.best.name)})` : ''}`,
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
  if (headline.quality) out.push(clean(headline.quality, 400));

  for (const s of model.sections) {
    const body = section(s, st, width);
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

function section(s: Section, st: Style, width: number): string[] {
  switch (s.kind) {
    case 'gates':
      return gates(s, st);
    case 'parameters':
      return parameters(s, width);
    case 'charts':
      return []; // charts are for the Markdown report; the numbers are in the tables here
    case 'best':
      return best(s, width);
    case 'quality':
      return quality(s, width);
    case 'advice':
      return advice(s);
    case 'interactions':
      return interactions(s, width);
    case 'runs':
      return runs(s);
    case 'next-sweep':
      return ['  written with --next-sweep FILE; also in the Markdown report (--markdown FILE)'];
    case 'ols-summary':
      return s.text
        .replace(/\s+$/, '')
        .split('\n')
        .map((l) => '  ' + oneLine(l));
  }
}

function gates(s: GatesSection, st: Style): string[] {
  const rows = s.rows.map((g) => [
    g.passed ? 'pass' : 'FAIL',
    clean(g.text, 80),
    g.value === null ? 'n/a' : fmt(g.value, 4),
    g.unreliable ? 'unreliable: the model explains nothing' : '',
  ]);
  const lines = columns(['', 'rule', 'measured', 'note'], rows, [false, false, true, false], 200);
  return lines.map((l, i) => (i === 0 ? l : s.rows[i - 1].passed ? st.green(l) : st.red(l)));
}

function parameters(s: ParametersSection, width: number): string[] {
  const header = ['#', 'parameter', 'kind', 'importance'];
  const right = [true, false, false, true];
  if (s.hasPermutation) {
    header.push('permutation [95% CI]');
    right.push(true);
  }
  header.push('r');
  right.push(true);
  if (s.coefficientSource !== 'none') {
    header.push(s.coefficientSource === 'standardized' ? 'coef/SD' : 'coef', 'p');
    right.push(true, true);
  }
  header.push('set in');
  right.push(true);
  const rows = s.rows.map((r) => {
    const kind = [r.kind === 'categorical' ? `categorical(${r.levels.length})` : r.kind];
    if (r.logScaled) kind.push('log');
    if (r.constant) kind.push('constant');
    if (r.idLike) kind.push('id-like!');
    const cells = [String(r.rank), clean(r.name), kind.join(','), fmtFixed(r.importance, 3)];
    if (s.hasPermutation) {
      const p = r.permutation;
      cells.push(
        p
          ? `${fmtFixed(p.mean, 3)} [${fmtFixed(p.low, 3)}, ${fmtFixed(p.high, 3)}]${p.matters ? ' *' : '  '}`
          : DASH,
      );
    }
    cells.push(
      r.kind === 'categorical' && r.strongestLevel !== null
        ? `${fmtSigned(r.correlation, 2)} (${clean(r.strongestLevel, 16)})`
        : fmtSigned(r.correlation, 2),
    );
    if (s.coefficientSource !== 'none') {
      if (r.kind === 'categorical') cells.push('by level', DASH);
      else cells.push(fmtSigned(r.coefficient, 3), fmtP(r.pValue));
    }
    cells.push(`${r.present}/${s.used}`);
    return cells;
  });
  const lines = columns(header, rows, right, width, 1);
  const categoricals = s.rows.filter((r) => r.kind === 'categorical');
  if (categoricals.length > 0) {
    lines.push('', '  levels (r; coefficient vs the reference level, p):');
    for (const r of categoricals) {
      const levels = r.levels.map((l) => {
        const coef =
          s.coefficientSource === 'none'
            ? ''
            : l.isReference
              ? ' ref'
              : ` ${fmtSigned(l.coefficient, 3)} p ${fmtP(l.pValue)}`;
        return `${clean(l.level, 30)} (${l.runs}) r ${fmtSigned(l.correlation, 2)}${coef}`;
      });
      lines.push(`    ${clean(r.name)}: ${levels.join('; ')}`);
    }
  }
  const notes: string[] = [];
  if (s.constant.length > 0) notes.push(`constant: ${s.constant.map((n) => clean(n)).join(', ')}`);
  if (s.idLike.length > 0)
    notes.push(`look like ids, not hyperparameters: ${s.idLike.map((n) => clean(n)).join(', ')}`);
  if (s.dropped.length > 0)
    notes.push(`dropped (no value in any run used): ${s.dropped.map((n) => clean(n)).join(', ')}`);
  if (notes.length > 0) lines.push('', ...notes.map((n) => '  ' + n));
  lines.push('', ...s.notes.map((n) => '  ' + n));
  if (s.hasPermutation) lines.push('  * the permutation interval lies above 0: the parameter matters.');
  return lines;
}

function best(s: BestSection, width: number): string[] {
  const lines = [
    `  ${fmt(s.value, 6)} by ${s.name ? clean(s.name) : `row ${s.row + 1}`}${s.url ? ` ${clean(s.url, 200)}` : ''}`,
  ];
  if (s.params.length > 0) {
    lines.push(
      ...columns(
        ['parameter', 'value'],
        s.params.map((p) => [clean(p.name), clean(String(p.value), 60)]),
        [false, false],
        width,
        0,
      ),
    );
  }
  if (s.unset.length > 0)
    lines.push(`  not set by this run: ${s.unset.length} parameter${s.unset.length === 1 ? '' : 's'}`);
  return lines;
}

function quality(s: QualitySection, width: number): string[] {
  const lines: string[] = [];
  if (s.cvR2 !== null) {
    lines.push(
      `  cross-validated R² (5 folds): ${fmtFixed(s.cvR2, 3)}${s.cvR2Folds ? `  folds ${s.cvR2Folds.map((f) => fmtFixed(f, 2)).join(' ')}` : ''}`,
    );
  }
  if (s.cvR2WithoutOutliers !== null)
    lines.push(`  without the outliers: ${fmtFixed(s.cvR2WithoutOutliers, 3)}`);
  if (s.threshold !== null) {
    lines.push(
      `  verdict: ${s.explainsNothing ? 'explains nothing' : 'explains part of the target'} (threshold ${fmtFixed(s.threshold, 2)})`,
    );
  }
  if (s.olsR2 !== null) lines.push(`  linear fit (standardized OLS) R², in sample: ${fmtFixed(s.olsR2, 3)}`);
  for (const x of s.sentences) lines.push('  ' + clean(x, 400));
  if (s.outliers.length > 0) {
    // The terminal shows the most extreme few; the JSON and the Markdown report list them all.
    const shown = [...s.outliers]
      .sort((a, b) => Math.abs(b.robustZ) - Math.abs(a.robustZ) || a.row - b.row)
      .slice(0, 10);
    lines.push(
      ...columns(
        ['row', 'run', 'value', 'robust z'],
        shown.map((o) => [
          String(o.row + 1),
          o.name ? clean(o.name) : DASH,
          fmt(o.value, 6),
          fmtSigned(o.robustZ, 3),
        ]),
        [true, false, true, true],
        width,
        1,
      ),
    );
    if (shown.length < s.outliers.length) {
      lines.push(
        `  … ${s.outliers.length - shown.length} more (the most extreme shown; all in --json and --markdown)`,
      );
    }
  }
  return lines;
}

function advice(s: AdviceSection): string[] {
  const lines = [`  where the best ${s.bestCount} runs sit (parameters that matter first):`];
  for (const a of s.rows) {
    const facts: string[] = [];
    // The insights' sentences already state the ranges; without sentences, the ranges stand alone.
    if (a.advice.length === 0 && a.searched)
      facts.push(
        `searched ${fmt(a.searched.min, 3)} … ${fmt(a.searched.max, 3)}${a.logScale ? ' (log)' : ''}`,
      );
    if (a.advice.length === 0 && a.best)
      facts.push(`best ${fmt(a.best.min, 3)} … ${fmt(a.best.max, 3)}, median ${fmt(a.best.median, 3)}`);
    if (a.levels.length > 0) {
      const levels = [...a.levels]
        .sort((x, y) => y.shareBest - x.shareBest || (x.level < y.level ? -1 : 1))
        .slice(0, 6);
      facts.push(
        levels
          .map(
            (l) => `${clean(l.level, 24)} ${Math.round(l.shareBest * 100)}%/${Math.round(l.shareAll * 100)}%`,
          )
          .join(' ') + ' (best/all)',
      );
    }
    lines.push(
      `  - ${clean(a.parameter)}${a.matters ? ' (matters)' : ''}: ${a.advice.map((x) => clean(x, 200)).join('; ') || 'no advice'}`,
    );
    if (facts.length > 0) lines.push(`      ${facts.join('; ')}`);
  }
  return lines;
}

function interactions(s: InteractionsSection, width: number): string[] {
  return columns(
    ['a', 'b', 'strength', ''],
    s.rows.map((r) => [clean(r.a, 40), clean(r.b, 40), fmtFixed(r.strength, 2), clean(r.sentence, 200)]),
    [false, false, true, false],
    width,
    3,
  );
}

function runs(s: RunsSection): string[] {
  const lines = ['  ' + s.sentences.map((x) => clean(x, 400)).join(' ')];
  if (s.states && s.states.length > 0) {
    lines.push(`  W&B run states: ${s.states.map((x) => `${clean(x.state)} ${x.count}`).join(', ')}`);
  }
  return lines;
}
