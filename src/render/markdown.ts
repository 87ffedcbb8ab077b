/**
 * The report as GitHub-flavoured Markdown (PR comment, job summary, --markdown file).
 *
 * Each section renders at a few levels of detail (0 = full). Over `maxChars` (UTF-16 length, GitHub's
 * measure), the cheapest cut is taken until the text fits: a cut costs its section's priority times
 * its severity, so low-priority sections are cut first and a deeper cut of a section costs more than a
 * shallow one. A visible note lists what was shortened. (The sticky comment's marker is the
 * publisher's: src/publish/comment.ts puts it on the first line, within the budget.) Same model
 * and options → same bytes.
 */
import { markdownTable } from 'markdown-table';
import { UsageError } from '../errors.js';
import { fmt } from '../format.js';
import type {
  AdviceSection,
  BestSection,
  ChartsSection,
  ComparisonSection,
  FidelitySection,
  GatesSection,
  InteractionsSection,
  ParametersSection,
  QualitySection,
  ReportModel,
  RunsSection,
  Section,
  TableModel,
} from '../report/model.js';
import {
  buildCharts,
  chartTable,
  distributionChart,
  type Chart,
  type ChartSet,
  type ChartTable,
} from './charts/data.js';
import { mermaidChart } from './charts/mermaid.js';
import { distributionImage, importanceImage, targetImage } from './charts/quickchart.js';
import {
  codeBlock,
  escapeAlt,
  escapeCell,
  escapeHtmlText,
  escapeName,
  escapeText,
  safeUrl,
  truncateName,
} from './escape.js';

export interface MarkdownOptions {
  /** Longest output in UTF-16 code units (GitHub comments: 65,536). */
  readonly maxChars: number;
  readonly charts: 'quickchart' | 'mermaid' | 'none';
  /** QuickChart host (default quickchart.io), for a self-hosted server. */
  readonly quickchartHost?: string;
  /**
   * Where a reader finds what a size cut left out, e.g. "the job summary of this workflow run"
   * (default: "the results JSON"). Never a command-line flag: a PR reader cannot run one.
   */
  readonly fullReport?: string;
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
    if (notes.length > 0) parts.push(shortenedNote(notes, opts));
    sections.forEach((_, i) => {
      const text = at(i, levels[i]);
      if (text) parts.push(text);
    });
    parts.push(footer);
    return parts.join('\n\n') + '\n';
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
    if (pick < 0) return lastResort(head, opts);
    levels[pick]++;
    out = assemble();
  }
  return out;
}

function shortenedNote(notes: string[], opts: MarkdownOptions): string {
  return (
    `> ✂️ **Shortened to fit ${opts.maxChars.toLocaleString('en-US')} characters:** ${notes.join('; ')}. ` +
    `The full report is in ${escapeText(opts.fullReport ?? 'the results JSON')}.`
  );
}

/** Even the head does not fit: the head, cut, then the note. */
function lastResort(head: string, opts: MarkdownOptions): string {
  const note =
    `\n\n> ✂️ **Shortened to fit ${opts.maxChars.toLocaleString('en-US')} characters:** only the headline is ` +
    `shown; the full report is in ${escapeText(opts.fullReport ?? 'the results JSON')}.\n`;
  const room = opts.maxChars - note.length;
  if (room <= 0) return '';
  let cut = head.length <= room ? head : head.slice(0, room);
  // Never leave half a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + note;
}

// ---------------------------------------------------------------------------------------------------
// head and footer

const ALERT: Record<ReportModel['headline']['tone'], string> = {
  predicts: 'NOTE',
  nothing: 'WARNING',
  unmeasured: 'NOTE',
};

/** Lines as one GitHub alert (each line its own paragraph). */
function alert(kind: string, lines: string[]): string {
  return `> [!${kind}]\n` + lines.map((l) => `> ${l}`).join('\n>\n');
}

function renderHead(model: ReportModel): string {
  const { title, headline } = model;
  const blocks: string[] = [`## Sweep insights: ${escapeName(title.target)} (${title.goal})`];
  let source: string;
  if (title.sweep) {
    const url = safeUrl(title.sweep.url);
    const label = escapeText(title.sweep.label);
    const link = url ? `[${label}](<${url}>)` : label;
    const extra: string[] = [];
    if (title.sweep.name) extra.push(`“${escapeName(title.sweep.name)}”`);
    if (title.sweep.state) extra.push(escapeText(title.sweep.state.toLowerCase()));
    if (title.sweep.method) extra.push(escapeText(title.sweep.method));
    source = `Runs: ${escapeText(title.sweep.what ?? 'W&B sweep')} ${link}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}.`;
  } else {
    source = `Runs: ${escapeName(title.source, 120)}.`;
  }
  if (title.targetReading) source += ` Target: ${escapeText(title.targetReading)}.`;
  const goal = title.goalAssumed
    ? ` Goal assumed: ${escapeText(title.goalReason)} (set it with the \`goal\` input or \`--goal\`).`
    : '';
  blocks.push(`<sub>${source}${goal}</sub>`);
  for (const w of headline.warnings) blocks.push(alert('WARNING', [escapeText(w)]));
  if (headline.verdict.length > 0) {
    const lines = headline.verdict.map((l) => escapeText(l));
    lines[0] = `**${lines[0]}**`;
    blocks.push(alert(ALERT[headline.tone], lines));
  }
  if (headline.disagreement) blocks.push(`<sub>${escapeText(headline.disagreement)}</sub>`);
  if (headline.vsBase) {
    const lines = headline.vsBase.map((l) => escapeText(l));
    lines[0] = `**vs base:** ${lines[0]}`;
    blocks.push(lines.join('<br>\n'));
  }
  const facts: string[] = [];
  if (headline.best) {
    facts.push(
      `**Best ${escapeName(title.target, 40)}:** ${fmt(headline.best.value, 6)} ${escapeText(headline.best.who)}` +
        (headline.best.ties ? ` — ${escapeText(headline.best.ties)}` : ''),
    );
  }
  if (headline.gates) {
    const { passed, failed } = headline.gates;
    facts.push(
      `**Gates:** ${failed > 0 ? `❌ ${failed} failed, ${passed} passed` : `✅ all ${passed} passed`}`,
    );
  }
  if (facts.length > 0) blocks.push(facts.join(' · '));
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

/** A folded block; `summary` is plain text (escaped here for HTML, where Markdown is not read). */
function details(summary: string, body: string): string {
  return `<details><summary>${escapeHtmlText(summary)}</summary>\n\n${body}\n\n</details>`;
}

function table(header: string[], rows: string[][], align: ('l' | 'r' | 'c')[]): string {
  return markdownTable([header, ...rows], { alignDelimiters: false, align });
}

/** A table of the report model: every cell escaped here, nothing else decided. */
function modelTable(t: TableModel, rows: string[][] = t.rows): string {
  return table(
    t.header.map((h) => escapeCell(h)),
    rows.map((r) => r.map((c) => escapeCell(c))),
    t.align,
  );
}

/** `rows` of a model table folded under `summary`, with a count of the table's rows not shown. */
function foldedTable(summary: string, t: TableModel, rows: string[][]): string {
  return details(summary, modelTable(t, rows) + moreRows(rows.length, t.rows.length));
}

function moreRows(shown: number, total: number, what = 'rows'): string {
  return total > shown ? `\n\n… ${total - shown} more ${what}` : '';
}

function nameList(names: string[], max = 20): string {
  const shown = names.slice(0, max).map((n) => escapeName(n, 40));
  return shown.join(', ') + (names.length > max ? `, … (${names.length - max} more)` : '');
}

function renderSection(s: Section, charts: ChartSet | null, opts: MarkdownOptions): RenderedSection {
  switch (s.kind) {
    case 'gates':
      return { id: s.id, render: () => gates(s), cuts: [] };
    case 'parameters':
      return parameters(s);
    case 'fidelity':
      return fidelity(s);
    case 'comparison':
      return comparison(s, opts);
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
          level > 0 ? '' : `${heading(s.heading)}\n\n${details(s.what, codeBlock(s.text, s.format))}`,
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
    g.caveat ? `⚠️ unreliable: ${escapeCell(g.caveat)}` : '',
  ]);
  return `${heading(s.heading)}\n\n${table(['', 'rule', 'measured', 'needs', 'note'], rows, ['c', 'l', 'r', 'l', 'l'])}`;
}

/**
 * The ranked table first (its top rows unfolded), everything else folded. Cuts shorten the folded
 * tables long before anything else of the report goes (their severities sit below the OLS summary's
 * cost), and only then the ranked table itself.
 */
function parameters(s: ParametersSection): RenderedSection {
  interface Variant {
    /** Rows of the ranked table (unfolded + folded). */
    main: number;
    stats: number;
    levels: number;
    severity: number;
  }
  const total = s.main.rows.length;
  const variants: Variant[] = [{ main: Infinity, stats: Infinity, levels: Infinity, severity: 0 }];
  const offer = (v: Variant): void => {
    const last = variants[variants.length - 1];
    const next = {
      main: Math.min(last.main, v.main),
      stats: Math.min(last.stats, v.stats),
      levels: Math.min(last.levels, v.levels),
      severity: v.severity,
    };
    const shorter = (a: number, b: number, n: number): boolean => Math.min(a, n) < Math.min(b, n);
    if (
      shorter(next.main, last.main, total) ||
      shorter(next.stats, last.stats, s.stats.rows.length) ||
      shorter(next.levels, last.levels, s.levels.rows.length)
    ) {
      variants.push(next);
    }
  };
  offer({ main: Infinity, stats: Infinity, levels: 40, severity: 0.03 });
  offer({ main: 60, stats: 50, levels: 40, severity: 0.05 });
  offer({ main: 40, stats: 25, levels: 20, severity: 0.08 });
  offer({ main: 30, stats: 0, levels: 0, severity: 0.5 });
  offer({ main: s.unfolded, stats: 0, levels: 0, severity: 1 });
  offer({ main: 10, stats: 0, levels: 0, severity: 1.5 });

  const render = (level: number): string => {
    const v = variants[level];
    const parts = [heading(s.heading)];
    const mainRows = s.main.rows.slice(0, v.main);
    const open = mainRows.slice(0, s.unfolded);
    parts.push(open.length > 0 ? modelTable(s.main, open) : 'No hyperparameter varies in the runs used.');
    const folded = mainRows.slice(s.unfolded);
    if (folded.length > 0) {
      parts.push(
        details(
          `${total - open.length} more parameter${total - open.length === 1 ? '' : 's'}`,
          modelTable(s.main, folded) + moreRows(open.length + folded.length, total),
        ),
      );
    } else if (total > open.length) {
      parts.push(`… ${total - open.length} more parameters`);
    }
    const statsRows = s.stats.rows.slice(0, v.stats);
    if (statsRows.length > 0) {
      parts.push(
        foldedTable(
          'All statistics per parameter (notebook importance, coefficient, p, runs that set it)',
          s.stats,
          statsRows,
        ),
      );
    }
    const levelRows = s.levels.rows.slice(0, v.levels);
    if (levelRows.length > 0) {
      parts.push(foldedTable('Levels of the categorical parameters', s.levels, levelRows));
    }
    const lists: string[] = [];
    if (s.idLike.length > 0) lists.push(`- ⚠️ Look like ids, not hyperparameters: ${nameList(s.idLike)}`);
    if (s.dropped.length > 0) lists.push(`- Dropped (no value in any run used): ${nameList(s.dropped)}`);
    if (s.conditional.length > 0) {
      lists.push(`- Set in only some runs (conditional): ${nameList(s.conditional, level > 0 ? 10 : 30)}`);
    }
    if (lists.length > 0) parts.push(lists.join('\n'));
    if (s.constant.length > 0) {
      const limit = level === 0 ? 60 : 15;
      const shown = s.constant
        .slice(0, limit)
        .map((c) => `${escapeName(c.name, 40)} = ${escapeName(c.value, 24)}`);
      const more = s.constant.length > limit ? `, … (${s.constant.length - limit} more)` : '';
      parts.push(
        details(
          `${s.constant.length} constant parameter${s.constant.length === 1 ? '' : 's'} (one value in every run, not ranked)`,
          shown.join(', ') + more,
        ),
      );
    }
    parts.push(details('How to read this table', s.notes.map((n) => `- ${escapeText(n)}`).join('\n')));
    return parts.join('\n\n');
  };
  const cuts: Cut[] = variants.slice(1).map((v) => {
    const notes: string[] = [];
    if (v.main < total) notes.push(`hyperparameters: top ${v.main} of ${total}`);
    if (s.stats.rows.length > 0 && v.stats < s.stats.rows.length) {
      notes.push(v.stats === 0 ? 'statistics table left out' : `statistics: first ${v.stats} rows`);
    }
    if (s.levels.rows.length > 0 && v.levels < s.levels.rows.length) {
      notes.push(
        v.levels === 0 ? 'levels table left out' : `levels: first ${v.levels} of ${s.levels.rows.length}`,
      );
    }
    return { severity: v.severity, note: notes.join(', ') };
  });
  return { id: s.id, render, cuts };
}

function plainTable(t: ChartTable): string {
  return table(
    t.header.map((h) => escapeCell(h)),
    t.rows.map((r) => r.map((c) => escapeCell(c))),
    t.align,
  );
}

/** A chart: its title once, the graphic (an image, a mermaid block or Unicode bars), its caption, its numbers. */
function chartBlock(chart: Chart, opts: MarkdownOptions): string {
  const parts = [`**${escapeCell(chart.title)}**`];
  if (opts.charts === 'quickchart') {
    const image =
      chart.kind === 'importance'
        ? importanceImage(chart, opts.quickchartHost)
        : chart.kind === 'distribution'
          ? distributionImage(chart, opts.quickchartHost)
          : targetImage(chart, opts.quickchartHost);
    parts.push(`![${escapeAlt(image.alt)}](<${image.url}>)`, escapeText(image.caption));
  } else {
    const m = mermaidChart(chart);
    parts.push(m.code !== null ? codeBlock(m.code, 'mermaid') : plainTable(m.bars!), escapeText(m.caption));
    // a table of Unicode bars already carries the numbers
    if (m.code === null) return parts.join('\n\n');
  }
  parts.push(details('the numbers', plainTable(chartTable(chart))));
  return parts.join('\n\n');
}

/** The importance chart and the first target chart unfolded; the other target charts folded. */
function chartsSection(s: ChartsSection, charts: ChartSet | null, opts: MarkdownOptions): RenderedSection {
  if (!charts) return { id: s.id, render: () => '', cuts: [] };
  const render = (level: number): string => {
    if (level >= 2) return '';
    const open: Chart[] = [];
    if (charts.importance) open.push(charts.importance);
    const targets = level === 0 ? charts.targets : [];
    if (targets.length > 0) open.push(targets[0]);
    if (open.length === 0) return '';
    const parts = [heading(s.heading), ...open.map((c) => chartBlock(c, opts))];
    const folded = targets.slice(1);
    if (folded.length > 0) {
      parts.push(
        details(
          `${truncateName(s.target, 40)} against ${folded.map((c) => truncateName(c.kind === 'target' ? c.parameter : c.title, 40)).join(', ')}`,
          folded.map((c) => chartBlock(c, opts)).join('\n\n'),
        ),
      );
    }
    return parts.join('\n\n');
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
  const who = escapeText(s.who);
  const line = `**${fmt(s.value, 6)}** ${url ? `[${who}](<${url}>)` : who}.${s.ties ? ` ${escapeText(s.ties)}` : ''}`;
  const render = (level: number): string => {
    const limit = level === 0 ? Infinity : level === 1 ? 20 : 0;
    const parts = [heading(s.heading), line];
    const rows = s.params.rows.slice(0, limit);
    if (rows.length > 0) {
      let body = modelTable(s.params, rows) + moreRows(rows.length, s.params.rows.length);
      if (s.unset.length > 0) body += `\n\nNot set by this run: ${nameList(s.unset, level === 0 ? 30 : 10)}`;
      parts.push(details(`its ${s.params.rows.length} hyperparameters`, body));
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
  const total = s.outliers.rows.length;
  const render = (level: number): string => {
    const parts = [heading(s.heading)];
    if (s.facts.length > 0) parts.push(s.facts.map((f) => `- ${escapeText(f)}`).join('\n'));
    if (s.sentences.length > 0) parts.push(s.sentences.map((x) => escapeText(x)).join(' '));
    if (total > 0) {
      const rows = s.outliers.rows.slice(0, level === 0 ? 50 : 10);
      parts.push(
        foldedTable(`${total} outlier run${total === 1 ? '' : 's'} (most extreme first)`, s.outliers, rows),
      );
    }
    return parts.join('\n\n');
  };
  return {
    id: s.id,
    render,
    cuts: total > 10 ? [{ severity: 0.1, note: `outliers: the 10 most extreme of ${total}` }] : [],
  };
}

function adviceLine(a: AdviceSection['rows'][number]): string {
  return `- **${escapeName(a.parameter, 40)}**${a.matters ? ' (matters)' : ''}: ${escapeText(a.text)}`;
}

/** The parameters that matter unfolded; the others folded (never both). */
function advice(s: AdviceSection): RenderedSection {
  const limits = [Infinity, 15, 5, 0];
  const mattering = s.rows.filter((r) => r.matters);
  const others = s.rows.filter((r) => !r.matters);
  const render = (level: number): string => {
    const limit = limits[level];
    if (limit === 0) return '';
    const parts = [heading(s.heading), `Where the best ${s.bestCount} runs sit.`];
    const open = mattering.slice(0, limit);
    if (open.length > 0)
      parts.push(open.map(adviceLine).join('\n') + moreRows(open.length, mattering.length, 'parameters'));
    const rest = others.slice(0, Math.max(0, limit - open.length));
    if (rest.length > 0) {
      parts.push(
        details(
          `${others.length} parameter${others.length === 1 ? '' : 's'} that do not matter`,
          rest.map(adviceLine).join('\n') + moreRows(rest.length, others.length, 'parameters'),
        ),
      );
    }
    return parts.join('\n\n');
  };
  return {
    id: s.id,
    render,
    cuts: [
      { severity: 0.2, note: 'advice: 15 parameters' },
      { severity: 1.4, note: 'advice: 5 parameters' },
      { severity: 1.9, note: 'advice left out' },
    ],
  };
}

function interactions(s: InteractionsSection): RenderedSection {
  const total = s.table.rows.length;
  const render = (level: number): string => {
    if (level >= 2) return '';
    const rows = s.table.rows.slice(0, level === 0 ? 20 : 5);
    return `${heading(s.heading)}\n\n${modelTable(s.table, rows)}${moreRows(rows.length, total)}`;
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

/** The flagged importance shifts unfolded, the rest folded, and the two target distributions. */
function comparison(s: ComparisonSection, opts: MarkdownOptions): RenderedSection {
  const render = (level: number): string => {
    const parts = [heading(s.heading)];
    const flagged = s.shifts.rows.slice(0, s.flagged);
    const rest = s.shifts.rows.slice(s.flagged);
    if (flagged.length > 0) parts.push(modelTable(s.shifts, flagged));
    if (rest.length > 0 && level === 0) {
      parts.push(
        details(
          `${rest.length} parameter${rest.length === 1 ? '' : 's'} whose held-out importance did not change beyond its intervals`,
          modelTable(s.shifts, rest),
        ),
      );
    }
    if (opts.charts !== 'none' && level === 0) parts.push(chartBlock(distributionChart(s), opts));
    return parts.join('\n\n');
  };
  return {
    id: s.id,
    render,
    cuts: [{ severity: 0.3, note: 'baseline: unchanged parameters and chart left out' }],
  };
}

function fidelity(s: FidelitySection): RenderedSection {
  const render = (level: number): string => {
    const parts = [heading(escapeText(s.heading)), s.sentences.map((x) => escapeText(x)).join(' ')];
    if (s.ranking.rows.length > 0)
      parts.push(modelTable(s.ranking, s.ranking.rows.slice(0, level === 0 ? 15 : 5)));
    if (level === 0 && s.agreement.rows.length > 0) {
      parts.push(
        details('How well the budgets agree on which configurations are best', modelTable(s.agreement)),
      );
    }
    return parts.join('\n\n');
  };
  return { id: s.id, render, cuts: [{ severity: 0.3, note: 'fidelity: top 5, rank agreement left out' }] };
}

function runs(s: RunsSection): string {
  return `${heading(s.heading)}\n\n${s.sentences.map((x) => escapeText(x)).join(' ')}`;
}
