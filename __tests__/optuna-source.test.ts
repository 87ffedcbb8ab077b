/**
 * The Optuna source on studies written by the real library (scripts/make-optuna-fixtures.py, Debian's
 * python3-optuna; committed under __tests__/fixtures/optuna): a journal file and a SQLite RDB hold
 * the same two studies, and each reads to the same analysis as the trials' CSV export (the recipe's
 * keys, within recipe.md §7's tolerances). Directions give the goal, distributions the space.
 */
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalysis, type AnalysisInput } from '../src/analysis/run-analysis.js';
import { resultsJson } from '../src/analysis/results-json.js';
import { loadStudy, parseStorage } from '../src/sources/optuna/load-study.js';
import { replayJournal } from '../src/sources/optuna/journal.js';
import { failureLine } from './helpers/failure.js';
import { compareToOracle, recipe } from './helpers/parity.js';

const DIR = join(__dirname, 'fixtures', 'optuna');
const JOURNAL = join(DIR, 'study.journal');
const DB = join(DIR, 'study.db');
const MANIFEST = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8'));
const PARAMS = ['lr', 'dropout', 'n_layers', 'batch_size', 'optimizer', 'use_bn', 'width'];

const base: Pick<AnalysisInput, 'trees' | 'seed' | 'rules' | 'insights'> = {
  trees: 40,
  seed: 0,
  rules: [],
  insights: true,
};

function optuna(storage: string, study?: string, extra: Partial<AnalysisInput> = {}): AnalysisInput {
  return { ...base, source: { kind: 'optuna', options: { optuna: storage, study } }, ...extra };
}

async function json(input: AnalysisInput): Promise<Record<string, unknown>> {
  return JSON.parse(resultsJson(await runAnalysis(input)));
}

describe('Optuna studies made by Optuna, read as the CSV export reads', () => {
  it('the manifest says the fixtures come from Debian Optuna', () => {
    expect(MANIFEST.optuna).toMatch(/^3\./);
    expect(MANIFEST.studies['mnist-tpe'].states.COMPLETE).toBe(68);
  });

  const csv = json({
    ...base,
    runsFile: join(DIR, 'mnist-tpe.csv'),
    target: 'value',
    goal: 'maximize',
    params: PARAMS,
    where: ['state=COMPLETE'],
  });

  for (const [label, storage] of [
    ['journal', JOURNAL],
    ['sqlite:/// URL (relative)', `sqlite:///${join('__tests__', 'fixtures', 'optuna', 'study.db')}`],
    ['sqlite:////absolute', `sqlite:///${DB}`],
    ['a plain SQLite path', DB],
  ] as const) {
    it(`${label}: the same recipe keys as the CSV, target and goal from the study`, async () => {
      const doc = await json(optuna(storage, 'mnist-tpe'));
      const expected = await csv;
      expect(compareToOracle(recipe(doc), recipe(expected))).toEqual([]);
      expect(doc.target).toBe('value');
      expect((doc.goal as { direction: string }).direction).toBe('maximize');
      expect((doc.runs as { total: number }).total).toBe(68);
      expect(Object.keys(doc.parameters as object)).toEqual(PARAMS);
    });
  }

  it('the metadata: directions → goal, distributions → kinds and the searched space', async () => {
    const { meta, table } = await loadStudy({ storage: JOURNAL, study: 'mnist-tpe' });
    expect(meta.kind).toBe('optuna');
    expect(meta.objective).toEqual({ name: 'value', goal: 'maximize' });
    expect(meta.parameters).toEqual(PARAMS);
    expect(meta.space!.lr).toEqual({ kind: 'float', low: 1e-5, high: 0.1, log: true, step: null });
    expect(meta.space!.dropout).toEqual({ kind: 'float', low: 0, high: 0.5, log: false, step: 0.05 });
    expect(meta.space!.n_layers).toEqual({ kind: 'int', low: 1, high: 4, log: false, step: 1 });
    expect(meta.space!.batch_size).toMatchObject({ kind: 'int', log: true });
    expect(meta.space!.optimizer).toEqual({ kind: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] });
    expect(meta.space!.use_bn).toEqual({ kind: 'categorical', choices: [true, false] });
    expect(meta.states).toEqual({ complete: 68, pruned: 7, fail: 5, running: 1, waiting: 1 });
    expect(meta.key).toBe('optuna=mnist-tpe@study.journal');
    // a categorical's value is its choice, an int an int; user attributes are metrics
    expect(table.cells.get('optimizer')!.every((c) => ['adam', 'sgd', 'rmsprop'].includes(c as string))).toBe(
      true,
    );
    expect(table.cells.get('use_bn')!.every((c) => typeof c === 'boolean')).toBe(true);
    expect(table.cells.get('n_layers')!.every((c) => Number.isInteger(c))).toBe(true);
    expect(table.metricKeys).toEqual(['value', 'train_seconds', 'val_loss']);
    // W&B-style specs for the advice's searched ranges
    expect((meta.config!.parameters as Record<string, unknown>).lr).toEqual({
      distribution: 'log_uniform_values',
      min: 1e-5,
      max: 0.1,
    });
  });

  it('both storages and both SQLite engines give the same table', async () => {
    const j = await loadStudy({ storage: JOURNAL, study: 'mnist-tpe' });
    const s = await loadStudy({ storage: DB, study: 'mnist-tpe', sqliteEngine: 'sql.js' });
    expect(s.table.columns).toEqual(j.table.columns);
    for (const c of j.table.columns) expect(s.table.cells.get(c)).toEqual(j.table.cells.get(c));
    expect(s.meta.space).toEqual(j.meta.space);
    expect(s.meta.details).toMatchObject({ storage: 'rdb', engine: 'sql.js' });
    // Node's own SQLite where this Node has it (22.13+, 24: the action's runtime)
    const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    if (typeof get === 'function' && get.call(process, 'node:sqlite')) {
      const n = await loadStudy({ storage: DB, study: 'mnist-tpe', sqliteEngine: 'node:sqlite' });
      expect(n.meta.details.engine).toBe('node:sqlite');
      for (const c of j.table.columns) expect(n.table.cells.get(c)).toEqual(j.table.cells.get(c));
    }
  });

  it('--states widens the trials (a pruned trial has its last intermediate value; a failed one none)', async () => {
    const doc = await json(
      optuna(JOURNAL, 'mnist-tpe', { states: ['complete', 'pruned', 'fail'], insights: false }),
    );
    expect(doc.runs).toMatchObject({ total: 80, used: 75, dropped_no_target: 5 });
    const err = await failureLine(runAnalysis(optuna(JOURNAL, 'mnist-tpe', { states: ['finished'] })));
    expect(err.code).toBe(2);
    expect(err.line).toContain('complete, pruned, fail');
  });

  it('a user attribute as the target (val_loss: minimized by its name)', async () => {
    const doc = await json(optuna(DB, 'mnist-tpe', { target: 'val_loss', insights: false }));
    expect((doc.goal as { direction: string }).direction).toBe('minimize');
    expect((doc.runs as { used: number }).used).toBe(68);
  });

  it('multi-objective: --target names an objective by its metric name; without it, the objectives are listed', async () => {
    const err = await failureLine(runAnalysis(optuna(JOURNAL, 'two-objectives')));
    expect(err.code).toBe(2);
    expect(err.line).toContain('2 objectives (error minimize, latency_ms minimize)');
    for (const target of ['error', 'latency_ms']) {
      const expected = await json({
        ...base,
        runsFile: join(DIR, 'two-objectives.csv'),
        target,
        goal: 'minimize',
        params: PARAMS,
        where: ['state=COMPLETE'],
      });
      for (const storage of [JOURNAL, DB]) {
        const doc = await json(optuna(storage, 'two-objectives', { target }));
        expect(compareToOracle(recipe(doc), recipe(expected))).toEqual([]);
        expect((doc.goal as { reason: string }).reason).toContain('direction');
      }
    }
  });

  it('without metric names, objectives are value, value_1, …', () => {
    const text =
      JSON.stringify({ op_code: 0, worker_id: 'w', study_name: 's', directions: [1, 2] }) +
      '\n' +
      JSON.stringify({
        op_code: 4,
        worker_id: 'w',
        study_id: 0,
        datetime_start: null,
        state: 1,
        values: [1, 2],
        distributions: {},
        params: {},
      }) +
      '\n';
    const read = replayJournal(text, 'j');
    expect(read.studies[0].directions).toEqual(['minimize', 'maximize']);
  });
});

describe('the next sweep in Optuna terms', () => {
  it('distributions as Optuna serialises them, the advice applied; no W&B config for a study', async () => {
    const a = await runAnalysis(optuna(JOURNAL, 'mnist-tpe'));
    expect(a.insights!.nextSweep).toBeNull();
    const next = a.nextStudy!;
    expect(Object.keys(next.distributions)).toEqual(PARAMS);
    const d = next.distributions;
    expect(d.lr.name).toBe('FloatDistribution');
    expect(Object.keys(d.lr.attributes)).toEqual(['step', 'low', 'high', 'log']);
    expect(d.lr.attributes.log).toBe(true);
    expect(d.n_layers).toMatchObject({ name: 'IntDistribution', attributes: { log: false, step: 1 } });
    expect(Object.keys(d.n_layers.attributes)).toEqual(['log', 'step', 'low', 'high']);
    const step = d.dropout.attributes as { low: number; high: number; step: number };
    expect(step.step).toBe(0.05);
    expect(Math.abs(((step.high - step.low) / step.step) % 1)).toBeLessThan(1e-9);
    const choices = d.optimizer.attributes.choices as string[];
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.every((c) => ['adam', 'sgd', 'rmsprop'].includes(c))).toBe(true);
    expect(JSON.parse(next.json)).toEqual(next.distributions);
  });
});

describe('Optuna bad input: one line, exit 2', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'optuna-bad-'));
  const lines = readFileSync(JOURNAL, 'utf8').split('\n');

  it('a study that does not exist lists the studies', async () => {
    for (const storage of [JOURNAL, DB]) {
      const err = await failureLine(runAnalysis(optuna(storage, 'mnist')));
      expect(err.code).toBe(2);
      expect(err.line).toContain('no study named "mnist"');
      expect(err.line).toContain('"mnist-tpe", "two-objectives"');
      expect(err.line.split('\n')).toHaveLength(1);
    }
    const several = await failureLine(runAnalysis(optuna(JOURNAL)));
    expect(several.line).toContain('has 2 studies: name one with --study');
  });

  it('a last line without a newline is not read (being written); a broken line before it is refused', async () => {
    const cut = join(tmp, 'cut.journal');
    // the study's last COMPLETE trial: its SET_TRIAL_STATE_VALUES line cut in half at the end
    const body = lines.filter((l) => l !== '');
    const last = body.findLastIndex((l) => l.includes('"op_code": 6') && l.includes('"state": 1'));
    writeFileSync(cut, body.slice(0, last).join('\n') + '\n' + body[last].slice(0, 40));
    const notes: string[] = [];
    const loaded = await loadStudy({ storage: cut, study: 'mnist-tpe', onProgress: (m) => notes.push(m) });
    expect(notes.join('\n')).toContain('the last line has no newline yet');
    expect(loaded.meta.details.partial_last_line).toBe(true);

    const broken = join(tmp, 'broken.journal');
    writeFileSync(broken, [...body.slice(0, 5), body[5].slice(0, 30), ...body.slice(6)].join('\n') + '\n');
    const err = await failureLine(runAnalysis(optuna(broken, 'mnist-tpe')));
    expect(err.code).toBe(2);
    expect(err.line).toMatch(/line 6 is not JSON/);
  });

  it('an unknown op code is refused with its line', async () => {
    const odd = join(tmp, 'odd.journal');
    writeFileSync(
      odd,
      [lines[0], JSON.stringify({ op_code: 42, worker_id: 'w' }), ...lines.slice(1)].join('\n'),
    );
    const err = await failureLine(runAnalysis(optuna(odd, 'mnist-tpe')));
    expect(err.code).toBe(2);
    expect(err.line).toContain('line 2: unknown op_code "42"');
  });

  it('updates to finished trials are ignored', async () => {
    const late = join(tmp, 'late.journal');
    copyFileSync(JOURNAL, late);
    appendFileSync(
      late,
      JSON.stringify({ op_code: 6, worker_id: 'w', trial_id: 0, state: 1, values: [123] }) + '\n',
    );
    appendFileSync(
      late,
      JSON.stringify({ op_code: 8, worker_id: 'w', trial_id: 0, user_attr: { val_loss: 9 } }) + '\n',
    );
    const a = await loadStudy({ storage: late, study: 'mnist-tpe' });
    const b = await loadStudy({ storage: JOURNAL, study: 'mnist-tpe' });
    expect(a.table.cells.get('value')).toEqual(b.table.cells.get('value'));
    expect(a.table.cells.get('val_loss')).toEqual(b.table.cells.get('val_loss'));
  });

  it('a SQLite file that is not an Optuna database, a file that is neither, other RDBs', async () => {
    const notOptuna = await failureLine(runAnalysis(optuna(join(DIR, 'not-optuna.db'), 'x')));
    expect(notOptuna.code).toBe(2);
    expect(notOptuna.line).toContain(
      'not an Optuna storage (no table studies, study_directions, trials, trial_params, trial_values)',
    );
    const csvFile = await failureLine(runAnalysis(optuna(join(DIR, 'mnist-tpe.csv'), 'x')));
    expect(csvFile.code).toBe(2);
    expect(csvFile.line).toContain('line 1 is not JSON');
    const pg = await failureLine(runAnalysis(optuna('postgresql://user:secret@db/optuna', 'x')));
    expect(pg.code).toBe(2);
    expect(pg.line).toContain('only SQLite storages');
    expect(pg.line).not.toContain('secret');
    const missing = await failureLine(runAnalysis(optuna(join(tmp, 'nope.journal'), 'x')));
    expect(missing.code).toBe(2);
    for (const e of [notOptuna, csvFile, pg, missing]) expect(e.line.split('\n')).toHaveLength(1);
  });

  it('storage URLs as Optuna takes them', async () => {
    expect(await parseStorage('sqlite:///rel/x.db')).toEqual({
      kind: 'sqlite',
      path: join(process.cwd(), 'rel/x.db'),
    });
    expect(await parseStorage('sqlite:////abs/x.db?timeout=3')).toEqual({
      kind: 'sqlite',
      path: '/abs/x.db',
    });
    expect(await parseStorage(JOURNAL)).toEqual({ kind: 'journal', path: JOURNAL });
    const memory = await failureLine(parseStorage('sqlite://'));
    expect(memory.code).toBe(2);
  });
});
