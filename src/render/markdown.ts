/**
 * The report as GitHub-flavoured Markdown (PR comment, job summary, --markdown file).
 *
 * Each section renders at a few levels of detail (0 = full). Over `maxChars` (UTF-16 length, GitHub's
 * measure), the cheapest cut is taken until the text fits: a cut costs its section's priority times
 * its severity, so low-priority sections are cut first and a deeper cut of a section costs more than a
 * shallow one. A visible note lists what was shortened. The marker is always the last line. Same model
 * and options → same bytes.
 */
import { markdownTable } from 'markdown-table';
import { UsageError } from '../errors.js';
import { DASH, fmt, fmtFixed, fmtP, fmtSigned } from '../report/format.js';
import type {
  AdviceSection,
  BestSection,
  ChartsSection,
  GatesSection,
  InteractionsSection,
  ParameterRow,
  ParametersSection,
  QualitySection,
  ReportModel,
  RunsSection,
  Section,
} from '../report/model.js';
import { buildCharts, chartTable, type Chart, type ChartSet } from './charts/data.js';
import { importanceMermaid, targetMermaid } from './charts/mermaid.js';
import { importanceImage, targetImage } from './charts/quickchart.js';
import { codeBlock, escapeAlt, escapeCell, escapeName, escapeText, safeUrl } from './escape.js';

export interface MarkdownOptions {
  /** Longest output in UTF-16 code units (GitHub comments: 65,536). */
  readonly maxChars: number;
  /** An HTML comment (`<!-- … -->`) identifying the report; always the last line. */
  readonly marker?: string;
  readonly charts: 'quickchart' | 'mermaid' | 'none';
  /** QuickChart host (default quickchart.io), for a self-hosted server. */
  readonly quickchartHost?: string;
}

/**
 * One way of shortening a section: reaching level `index + 1`, described by `note`. It costs the
 * section's priority × `severity`: low-priority sections are cut first, and a shallow cut of an
 * important section (severity < 1) can come before dropping a less important one.
 */
interface Cut {
  readonly severity: number;
  readonly note: string;
}

interface RenderedSection {
  readonly id: string;
  /** Text at a level (0 = full); '' = left out. */
  readonly render: (level: number) => string;
  readonly cuts: Cut[];
}

export function renderMarkdown(model: ReportModel, opts: MarkdownOptions): string {
  if (!Number.isInteger(opts.maxChars) || opts.maxChars < 1) {
    throw new UsageError(
      `the report size limit must be a positive whole number of characters, got ${opts.maxChars}`,
    );
  }
  const marker = checkMarker(opts.marker);
  const tail = marker === null ? '' : marker + '\n';
  const head = renderHead(model);
  const footer = renderFooter(model);
  const charts = opts.charts === 'none' ? null : buildCharts(model);
  const sections = model.sections.map((s) => renderSection(s, charts, opts));

  const cache = sections.map(() => new Map<number, string>());
  const at = (i: number, level: number): string => {
    let text = cache[i].get(level);
    if (text === undefined) {
      text = sections[i].render(level);
      cache[i].set(level, text);
    }
    return text;
  };
  const levels = sections.map(() => 0);
  const assemble = (): string => {
    const notes: string[] = [];
    // Each cut's note describes the section as it now is: only the deepest one is shown.
    sections.forEach((s, i) => {
      if (levels[i] > 0) notes.push(s.cuts[levels[i] - 1].note);
    });
    const parts = [head];
    if (notes.length > 0) parts.push(shortenedNote(notes, opts.maxChars));
    sections.forEach((_, i) => {
      const text = at(i, levels[i]);
      if (text) parts.push(text);
    });
    parts.push(footer);
    return parts.join('\n\n') + '\n' + tail;
  };

  let out = assemble();
  while (out.length > opts.maxChars) {
    let pick = -1;
    let cheapest = Infinity;
    sections.forEach((s, i) => {
      const cut = s.cuts[levels[i]];
      const cost = cut ? model.sections[i].priority * cut.severity : Infinity;
      if (cost < cheapest) {
        cheapest = cost;
        pick = i;
      }
    });
    if (pick < 0) return lastResort(head, tail, opts.maxChars);
    levels[pick]++;
    out = assemble();
  }
  return out;
}

function checkMarker(marker: string | undefined): string | null {
  if (marker === undefined || marker === '') return null;
  if (!/^<!--[^\n]*-->$/.test(marker) || marker.slice(4, -3).includes('--')) {
    throw new UsageError(
      `the report marker must be one HTML comment line like <!-- sweep-insights:key -->, got ${JSON.stringify(marker)}`,
    );
  }
  return marker;
}

function shortenedNote(notes: string[], maxChars: number): string {
  return (
    `> ✂️ **Shortened to fit ${maxChars.toLocaleString('en-US')} characters:** ${notes.join('; ')}. ` +
    'The full numbers are in the JSON result (`--json`).'
  );
}

/** Even the head does not fit: the head, cut, then the note and the marker. */
function lastResort(head: string, tail: string, maxChars: number): string {
  const note = `\n\n> ✂️ **Shortened to fit ${maxChars.toLocaleString('en-US')} characters:** only the headline is shown; the full numbers are in the JSON result.\n`;
  const room = maxChars - note.length - tail.length;
  if (room <= 0) return tail.length <= maxChars ? tail : '';
  let cut = head.length <= room ? head : head.slice(0, room);
  // Never leave half a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + note + tail;
}

// ---------------------------------------------------------------------------------------------------
// head and footer

function renderHead(model: ReportModel): string {
  const { title, headline } = model;
  const lines: string[] = [];
  lines.push(`## Sweep insights: ${escapeName(title.target)} (${title.goal})`);
  const goal = title.goalAssumed
    ? `Goal: **${title.goal}**, assumed: ${escapeText(title.goalReason)} (set it with \`--goal\` or the action's \`goal\` input).`
    : `Goal: **${title.goal}**.`;
  let source: string;
  if (title.sweep) {
    const url = safeUrl(title.sweep.url);
    const label = escapeText(title.sweep.label);
    const link = url ? `[${label}](<${url}>)` : label;
    const extra: string[] = [];
    if (title.sweep.name) extra.push(`“${escapeName(title.sweep.name)}”`);
    if (title.sweep.state) extra.push(escapeText(title.sweep.state.toLowerCase()));
    if (title.sweep.method) extra.push(escapeText(title.sweep.method));
    source = `Runs: W&B sweep ${link}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}.`;
  } else {
    source = `Runs: ${escapeName(title.source, 120)}.`;
  }
  lines.push(`${goal} ${source}`);
  const blocks = [lines.join('\n\n')];
  for (const w of headline.warnings) blocks.push(`> [!WARNING]\n> ${escapeText(w)}`);
  const facts: string[] = [];
  if (headline.top.length > 0) {
    facts.push(
      '**Most important:** ' +
        headline.top
          .map(
            (t) =>
              `${escapeName(t.name)} (${fmtFixed(t.importance, 3)}${t.matters === false ? ', not significant' : ''})`,
          )
          .join(', '),
    );
  }
  if (headline.best) {
    facts.push(
      `**Best ${escapeName(title.target)}:** ${fmt(headline.best.value, 6)}` +
        (headline.best.name ? ` (${escapeName(headline.best.name)})` : ''),
    );
  }
  if (headline.gates) {
    const { passed, failed } = headline.gates;
    facts.push(
      `**Gates:** ${failed > 0 ? `❌ ${failed} failed, ${passed} passed` : `✅ all ${passed} passed`}`,
    );
  }
  if (facts.length > 0) blocks.push(facts.join(' · '));
  if (headline.quality) blocks.push(escapeText(headline.quality));
  return blocks.join('\n\n');
}

function renderFooter(model: ReportModel): string {
  const f = model.footer;
  return `<sub>${escapeText(`${f.engine} ${f.version}`)} · extra trees: ${f.trees} trees, seed ${f.seed} · same inputs, same report</sub>`;
}

// ---------------------------------------------------------------------------------------------------
// sections

function heading(text: string): string {
  return `### ${text}`;
}

function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

function table(header: string[], rows: string[][], align: ('l' | 'r' | 'c')[]): string {
  return markdownTable([header, ...rows], { alignDelimiters: false, align });
}

function moreRows(shown: number, total: number, what = 'rows'): string {
  return total > shown ? `\n\n… ${total - shown} more ${what} (see the JSON)` : '';
}

function nameList(names: string[], max = 20): string {
  const shown = names.slice(0, max).map((n) => escapeName(n));
  return shown.join(', ') + (names.length > max ? `, … (${names.length - max} more)` : '');
}

function renderSection(s: Section, charts: ChartSet | null, opts: MarkdownOptions): RenderedSection {
  switch (s.kind) {
    case 'gates':
      return { id: s.id, render: () => gates(s), cuts: [] };
    case 'parameters':
      return parameters(s);
    case 'charts':
      return chartsSection(s, charts, opts);
    case 'best':
      return best(s);
    case 'quality':
      return quality(s);
    case 'advice':
      return advice(s);
    case 'interactions':
      return interactions(s);
    case 'runs':
      return { id: s.id, render: () => runs(s), cuts: [] };
    case 'next-sweep':
      return {
        id: s.id,
        render: (level) =>
          level > 0
            ? ''
            : `${heading(s.heading)}\n\n${details(
                'sweep config (YAML), narrowed to where the best runs are',
                codeBlock(s.yaml, 'yaml'),
              )}`,
        cuts: [{ severity: 1, note: 'next-sweep config left out (write it with --next-sweep FILE)' }],
      };
    case 'ols-summary':
      return {
        id: s.id,
        render: (level) =>
          level > 0
            ? ''
            : `${heading(s.heading)}\n\n${details('statsmodels-style summary', codeBlock(s.text))}`,
        cuts: [{ severity: 1, note: 'OLS summary left out' }],
      };
  }
}

function gates(s: GatesSection): string {
  const rows = s.rows.map((g) => [
    g.passed ? '✅' : '❌',
    escapeCell(g.text),
    g.value === null ? 'n/a' : fmt(g.value, 4),
    `${escapeCell(g.op)} ${fmt(g.threshold, 6)}`,
    g.unreliable ? '⚠️ unreliable: the model explains nothing' : '',
  ]);
  return `${heading(s.heading)}\n\n${table(['', 'rule', 'measured', 'needs', 'note'], rows, ['c', 'l', 'r', 'l', 'l'])}`;
}

function kindCell(r: ParameterRow): string {
  const parts: string[] = [r.kind === 'categorical' ? `categorical (${r.levels.length})` : r.kind];
  if (r.logScaled) parts.push('log');
  if (r.constant) parts.push('constant');
  if (r.idLike) parts.push('⚠️ id-like');
  return parts.join(', ');
}

function parameterCells(s: ParametersSection, r: ParameterRow): string[] {
  const cells = [String(r.rank), escapeName(r.name), kindCell(r), fmtFixed(r.importance, 3)];
  if (s.hasPermutation) {
    const p = r.permutation;
    cells.push(
      p
        ? `${fmtFixed(p.mean, 3)} [${fmtFixed(p.low, 3)}, ${fmtFixed(p.high, 3)}]${p.matters ? ' ✓' : ''}`
        : DASH,
    );
  }
  cells.push(
    r.kind === 'categorical' && r.strongestLevel !== null
      ? `${fmtSigned(r.correlation, 2)} (${escapeName(r.strongestLevel, 24)})`
      : fmtSigned(r.correlation, 2),
  );
  if (s.coefficientSource !== 'none') {
    if (r.kind === 'categorical') {
      cells.push(r.reference !== null ? `per level, vs ${escapeName(r.reference, 24)}` : 'per level');
      cells.push(DASH);
    } else {
      cells.push(fmtSigned(r.coefficient, 3));
      cells.push(fmtP(r.pValue));
    }
  }
  cells.push(`${r.present}/${s.used}`);
  return cells;
}

function parameters(s: ParametersSection): RenderedSection {
  const header = ['#', 'parameter', 'kind', 'importance'];
  const align: ('l' | 'r' | 'c')[] = ['r', 'l', 'l', 'r'];
  if (s.hasPermutation) {
    header.push('permutation [95% CI]');
    align.push('r');
  }
  header.push('r');
  align.push('r');
  if (s.coefficientSource !== 'none') {
    header.push(s.coefficientSource === 'standardized' ? 'coef. per SD' : 'coef. (notebook OLS)', 'p');
    align.push('r', 'r');
  }
  header.push('set in');
  align.push('r');

  const levelRows: string[][] = [];
  for (const r of s.rows) {
    if (r.kind !== 'categorical') continue;
    for (const l of r.levels) {
      levelRows.push([
        escapeName(r.name),
        escapeName(l.level),
        String(l.runs),
        fmtSigned(l.correlation, 2),
        ...(s.coefficientSource === 'none'
          ? []
          : [
              l.isReference ? 'reference' : fmtSigned(l.coefficient, 3),
              l.isReference ? DASH : fmtP(l.pValue),
            ]),
      ]);
    }
  }
  const levelHeader = ['parameter', 'level', 'runs', 'r'];
  const levelAlign: ('l' | 'r')[] = ['l', 'l', 'r', 'r'];
  if (s.coefficientSource !== 'none') {
    levelHeader.push(
      s.coefficientSource === 'standardized' ? 'coef. vs reference' : 'coef. (notebook OLS)',
      'p',
    );
    levelAlign.push('r', 'r');
  }

  // Variants from full to smallest; a variant is offered only when it shortens something.
  interface Variant {
    main: number;
    levels: number;
    severity: number;
  }
  const variants: Variant[] = [{ main: Infinity, levels: Infinity, severity: 0 }];
  const offer = (v: Variant) => {
    const last = variants[variants.length - 1];
    const main = Math.min(last.main, v.main);
    const levels = Math.min(last.levels, v.levels);
    const shortens =
      Math.min(main, s.rows.length) < Math.min(last.main, s.rows.length) ||
      Math.min(levels, levelRows.length) < Math.min(last.levels, levelRows.length);
    if (shortens) variants.push({ main, levels, severity: v.severity });
  };
  // A long levels table goes before anything else of this section, the top rows last.
  offer({ main: Infinity, levels: 40, severity: 0.28 });
  offer({ main: 120, levels: 40, severity: 0.47 });
  offer({ main: 80, levels: 30, severity: 0.49 });
  offer({ main: 50, levels: 20, severity: 0.5 });
  offer({ main: 25, levels: 0, severity: 0.83 });
  offer({ main: 10, levels: 0, severity: 1.33 });

  const render = (level: number): string => {
    const v = variants[level];
    const shown = s.rows.slice(0, v.main);
    const parts = [heading(s.heading)];
    parts.push(
      table(
        header,
        shown.map((r) => parameterCells(s, r)),
        align,
      ) + moreRows(shown.length, s.rows.length),
    );
    if (levelRows.length > 0 && v.levels > 0) {
      const lr = levelRows.slice(0, v.levels);
      parts.push(
        details(
          'Levels of the categorical parameters',
          table(levelHeader, lr, levelAlign) + moreRows(lr.length, levelRows.length),
        ),
      );
    }
    const lists: string[] = [];
    if (s.constant.length > 0)
      lists.push(`- Constant (one value in every run, nothing to learn): ${nameList(s.constant)}`);
    if (s.idLike.length > 0) lists.push(`- ⚠️ Look like ids, not hyperparameters: ${nameList(s.idLike)}`);
    if (s.dropped.length > 0) lists.push(`- Dropped (no value in any run used): ${nameList(s.dropped)}`);
    if (s.conditional.length > 0) {
      lists.push(`- Set in only some runs (conditional): ${nameList(s.conditional, level > 0 ? 10 : 30)}`);
    }
    if (lists.length > 0) parts.push(lists.join('\n'));
    parts.push(details('How to read this table', s.notes.map((n) => `- ${escapeText(n)}`).join('\n')));
    return parts.join('\n\n');
  };
  const cuts: Cut[] = variants.slice(1).map((v) => {
    const notes: string[] = [];
    if (v.main < s.rows.length) notes.push(`hyperparameter table: top ${v.main} of ${s.rows.length} rows`);
    if (levelRows.length > 0) {
      notes.push(
        v.levels === 0
          ? 'levels table left out'
          : v.levels < levelRows.length
            ? `levels table: first ${v.levels} of ${levelRows.length} rows`
            : 'levels table in full',
      );
    }
    return { severity: v.severity, note: notes.join(', ') };
  });
  return { id: s.id, render, cuts };
}

function chartBlock(chart: Chart, opts: MarkdownOptions): string {
  let graphic: string;
  let caption = '';
  if (opts.charts === 'quickchart') {
    const image =
      chart.kind === 'importance'
        ? importanceImage(chart, opts.quickchartHost)
        : targetImage(chart, opts.quickchartHost);
    graphic = `![${escapeAlt(image.alt)}](<${image.url}>)`;
    if (image.pointsShown < image.pointsTotal) {
      caption = ` ${image.pointsShown} of ${image.pointsTotal} runs drawn (every best run kept).`;
    }
  } else {
    graphic = codeBlock(
      chart.kind === 'importance' ? importanceMermaid(chart) : targetMermaid(chart),
      'mermaid',
    );
  }
  const t = chartTable(chart);
  const numbers = table(
    t.header.map((h) => escapeCell(h)),
    t.rows.map((r) => r.map((c) => escapeCell(c))),
    t.align,
  );
  let text: string;
  if (chart.kind === 'importance') {
    text =
      escapeText(chart.note) +
      (chart.omitted > 0 ? ` ${chart.omitted} less important parameters not drawn.` : '');
  } else {
    const bins =
      chart.paramKind === 'categorical'
        ? 'per level'
        : opts.charts === 'mermaid'
          ? `per bin${chart.logScale ? ' (log-spaced)' : ''}`
          : `per bin${chart.logScale ? ' (log-spaced)' : ''}, with every run as a point and the best ${chart.bestCount} in red`;
    const omitted = chart.omittedLevels > 0 ? ` ${chart.omittedLevels} less frequent levels not drawn.` : '';
    text = `${escapeText(chart.title)}: mean and ${chart.goal === 'maximize' ? 'highest' : 'lowest'} value ${bins}.${caption}${omitted}`;
  }
  return `**${escapeCell(chart.title)}**\n\n${graphic}\n\n${text}\n\n${details('the numbers', numbers)}`;
}

function chartsSection(s: ChartsSection, charts: ChartSet | null, opts: MarkdownOptions): RenderedSection {
  if (!charts) return { id: s.id, render: () => '', cuts: [] };
  const render = (level: number): string => {
    const list: Chart[] = [];
    if (charts.importance) list.push(charts.importance);
    if (level === 0) list.push(...charts.targets);
    if (level >= 2 || list.length === 0) return '';
    return `${heading(s.heading)}\n\n${list.map((c) => chartBlock(c, opts)).join('\n\n')}`;
  };
  return {
    id: s.id,
    render,
    cuts: [
      { severity: 1.1, note: 'charts of the target against the top parameters left out' },
      { severity: 1.85, note: 'charts left out' },
    ],
  };
}

function best(s: BestSection): RenderedSection {
  const url = safeUrl(s.url);
  const name = s.name ? escapeName(s.name) : `row ${s.row + 1}`;
  const line = `**${fmt(s.value, 6)}** by ${url ? `[${name}](<${url}>)` : name}.`;
  const render = (level: number): string => {
    const limit = level === 0 ? Infinity : level === 1 ? 20 : 0;
    const parts = [heading(s.heading), line];
    if (limit > 0 && s.params.length > 0) {
      const shown = s.params.slice(0, limit);
      let body =
        table(
          ['parameter', 'value'],
          shown.map((p) => [escapeName(p.name), escapeName(String(p.value), 80)]),
          ['l', 'l'],
        ) + moreRows(shown.length, s.params.length);
      if (s.unset.length > 0) body += `\n\nNot set by this run: ${nameList(s.unset, level === 0 ? 30 : 10)}`;
      parts.push(details(`its ${s.params.length} hyperparameters`, body));
    }
    return parts.join('\n\n');
  };
  return {
    id: s.id,
    render,
    cuts: [
      { severity: 0.8, note: 'best run: first 20 hyperparameters' },
      { severity: 1.2, note: 'best run: hyperparameters left out' },
    ],
  };
}

function quality(s: QualitySection): RenderedSection {
  const render = (level: number): string => {
    const parts = [heading(s.heading)];
    const facts: string[] = [];
    if (s.cvR2 !== null) {
      facts.push(
        `- Cross-validated R² (5 folds): **${fmtFixed(s.cvR2, 3)}**` +
          (s.cvR2Folds ? ` (folds: ${s.cvR2Folds.map((f) => fmtFixed(f, 2)).join(', ')})` : ''),
      );
    }
    if (s.cvR2WithoutOutliers !== null)
      facts.push(`- Without the outliers: **${fmtFixed(s.cvR2WithoutOutliers, 3)}**`);
    if (s.threshold !== null) {
      facts.push(
        `- Verdict: ${s.explainsNothing ? '❌ explains nothing' : '✅ explains part of the target'} (threshold ${fmtFixed(s.threshold, 2)})`,
      );
    }
    if (s.olsR2 !== null)
      facts.push(`- Linear fit (standardized OLS) R², in sample: ${fmtFixed(s.olsR2, 3)}`);
    if (facts.length > 0) parts.push(facts.join('\n'));
    if (s.sentences.length > 0) parts.push(s.sentences.map((x) => escapeText(x)).join(' '));
    if (s.outliers.length > 0) {
      const limit = level === 0 ? 50 : 10;
      const shown = s.outliers.slice(0, limit);
      parts.push(
        details(
          `${s.outliers.length} outlier run${s.outliers.length === 1 ? '' : 's'}`,
          table(
            ['row', 'run', 'value', 'robust z'],
            shown.map((o) => [
              String(o.row + 1),
              o.name ? escapeName(o.name) : DASH,
              fmt(o.value, 6),
              fmtSigned(o.robustZ, 3),
            ]),
            ['r', 'l', 'r', 'r'],
          ) + moreRows(shown.length, s.outliers.length),
        ),
      );
    }
    return parts.join('\n\n');
  };
  return {
    id: s.id,
    render,
    cuts: s.outliers.length > 10 ? [{ severity: 1, note: `outliers: first 10 of ${s.outliers.length}` }] : [],
  };
}

function range(min: number, max: number): string {
  return `${fmt(min, 3)} … ${fmt(max, 3)}`;
}

function adviceLine(a: AdviceSection['rows'][number]): string {
  const parts: string[] = [];
  // The insights' sentences already state the ranges; without sentences, the ranges stand alone.
  if (a.advice.length === 0 && a.searched) {
    parts.push(`searched ${range(a.searched.min, a.searched.max)}${a.logScale ? ' (log)' : ''}`);
  }
  if (a.advice.length === 0 && a.best) {
    parts.push(`best runs ${range(a.best.min, a.best.max)}, median ${fmt(a.best.median, 3)}`);
  }
  if (a.levels.length > 0) {
    const levels = [...a.levels]
      .sort((x, y) => y.shareBest - x.shareBest || (x.level < y.level ? -1 : 1))
      .slice(0, 6);
    parts.push(
      'share among best vs all: ' +
        levels
          .map(
            (l) =>
              `${escapeName(l.level, 30)} ${Math.round(l.shareBest * 100)}% vs ${Math.round(l.shareAll * 100)}%`,
          )
          .join(', ') +
        (a.levels.length > 6 ? ', …' : ''),
    );
  }
  const advice = a.advice.map((x) => escapeText(x)).join('; ');
  return `- **${escapeName(a.parameter)}**${a.matters ? ' (matters)' : ''}: ${advice || 'no advice'}${parts.length > 0 ? ` — ${parts.join('; ')}` : ''}`;
}

function advice(s: AdviceSection): RenderedSection {
  const limits = [Infinity, 15, 5, 0];
  const render = (level: number): string => {
    const limit = limits[level];
    if (limit === 0) return '';
    const shown = s.rows.slice(0, limit);
    const intro = `Where the best ${s.bestCount} runs sit, per parameter (parameters that matter first).`;
    const body = `${intro}\n\n${shown.map(adviceLine).join('\n')}${moreRows(shown.length, s.rows.length, 'parameters')}`;
    const top = s.rows.filter((r) => r.matters).slice(0, 3);
    const open = top.length > 0 ? `${top.map(adviceLine).join('\n')}\n\n` : '';
    return `${heading(s.heading)}\n\n${open}${details(`all ${s.rows.length} parameters`, body)}`;
  };
  return {
    id: s.id,
    render,
    cuts: [
      { severity: 0.72, note: 'advice: top 15 parameters' },
      { severity: 1.4, note: 'advice: top 5 parameters' },
      { severity: 1.9, note: 'advice left out' },
    ],
  };
}

function interactions(s: InteractionsSection): RenderedSection {
  const render = (level: number): string => {
    if (level >= 2) return '';
    const shown = s.rows.slice(0, level === 0 ? 20 : 5);
    return `${heading(s.heading)}\n\n${table(
      ['a', 'b', 'strength', ''],
      shown.map((r) => [escapeName(r.a), escapeName(r.b), fmtFixed(r.strength, 2), escapeCell(r.sentence)]),
      ['l', 'l', 'r', 'l'],
    )}${moreRows(shown.length, s.rows.length)}`;
  };
  return {
    id: s.id,
    render,
    cuts: [
      { severity: 1, note: 'interactions: top 5' },
      { severity: 1.5, note: 'interactions left out' },
    ],
  };
}

function runs(s: RunsSection): string {
  const parts = [heading(s.heading), s.sentences.map((x) => escapeText(x)).join(' ')];
  if (s.states && s.states.length > 0) {
    parts.push(`W&B run states: ${s.states.map((x) => `${escapeText(x.state)} ${x.count}`).join(', ')}.`);
  }
  return parts.join('\n\n');
}
