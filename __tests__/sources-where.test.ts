/** `--where` parsing and filtering on CSV (text cells) and JSON (value cells) tables. */
import { describe, expect, test } from 'vitest';
import { applyWhere, parseWhere } from '../src/sources/where.js';
import { parseCsvText } from '../src/sources/csv.js';
import { tableFromRecords } from '../src/sources/records.js';
import { InputError, UsageError } from '../src/errors.js';

describe('parseWhere', () => {
  test.each([
    ['state=finished', 'state', '=', 'finished'],
    ['state!=crashed', 'state', '!=', 'crashed'],
    ['lr<0.01', 'lr', '<', '0.01'],
    ['lr<=1e-3', 'lr', '<=', '1e-3'],
    ['epochs>10', 'epochs', '>', '10'],
    ['epochs >= 10', 'epochs', '>=', '10'],
    ['optimizer.lr=0.1', 'optimizer.lr', '=', '0.1'],
    ['note=a=b', 'note', '=', 'a=b'],
    ['name=', 'name', '=', ''],
  ])('%s', (text, column, op, value) => {
    expect(parseWhere(text)).toEqual({ column, op, value, text });
  });

  test.each([
    ['state', '--where "state": expected COLUMN=VALUE (or !=, <, <=, >, >=), e.g. --where state=finished'],
    ['=x', '--where "=x": expected COLUMN=VALUE (or !=, <, <=, >, >=), e.g. --where state=finished'],
    [' =x', '--where " =x": no column name before ='],
    ['a!b', `--where "a!b": '!' must be followed by '=' (use !=)`],
    ['a<b<c', '--where "a<b<c": more than one operator; use one of = != < <= > >='],
  ])('%j is a usage error quoting it', (text, message) => {
    expect(() => parseWhere(text)).toThrow(UsageError);
    expect(() => parseWhere(text)).toThrow(message);
  });
});

const CSV = parseCsvText(
  [
    'run,state,lr,opt,acc',
    'a,finished,0.1,adam,0.9',
    'b,crashed,1e-2,sgd,NA',
    'c,finished,0.001,adam,0.7',
    'd,finished,NA,sgd,0.5',
  ].join('\n'),
  'runs.csv',
);

const JSON_TABLE = tableFromRecords(
  [
    { name: 'a', state: 'finished', config: { lr: 0.1, opt: 'adam', flag: true }, summary: { acc: 0.9 } },
    { name: 'b', state: 'crashed', config: { lr: 0.01, opt: 'sgd', flag: false }, summary: { acc: null } },
    { name: 'c', state: 'finished', config: { lr: 0.001, opt: 'adam', flag: true }, summary: { acc: 0.7 } },
    { name: 'd', state: 'finished', config: { lr: null, opt: 0.5, flag: false }, summary: { acc: 0.5 } },
  ],
  'runs.json',
  'json',
);

function kept(table: typeof CSV, ...exprs: string[]): { names: string[]; removed: number } {
  const { table: t, removed } = applyWhere(table, exprs.map(parseWhere));
  const names = (t.cells.get('run') ?? t.cells.get('name'))!.map(String);
  for (const col of t.cells.values()) expect(col.length).toBe(t.rowCount);
  return { names, removed };
}

describe('applyWhere', () => {
  test('no filters: the same table', () => {
    expect(applyWhere(CSV, []).table).toBe(CSV);
  });

  test('text equality and inequality', () => {
    expect(kept(CSV, 'state=finished')).toEqual({ names: ['a', 'c', 'd'], removed: 1 });
    expect(kept(CSV, 'state!=finished')).toEqual({ names: ['b'], removed: 3 });
    expect(kept(JSON_TABLE, 'state=finished', 'opt=adam')).toEqual({ names: ['a', 'c'], removed: 2 });
    expect(kept(JSON_TABLE, 'flag=true')).toEqual({ names: ['a', 'c'], removed: 2 });
  });

  test('numbers compare as numbers, CSV cells by the recipe number rule', () => {
    expect(kept(CSV, 'lr=0.01').names).toEqual(['b']); // "1e-2"
    expect(kept(CSV, 'lr<0.05').names).toEqual(['b', 'c']); // NA does not pass
    expect(kept(CSV, 'lr>=0.01').names).toEqual(['a', 'b']);
    expect(kept(CSV, 'lr!=0.1').names).toEqual(['b', 'c', 'd']);
    expect(kept(JSON_TABLE, 'lr<=0.01').names).toEqual(['b', 'c']);
    expect(kept(JSON_TABLE, 'opt=0.5').names).toEqual(['d']);
    expect(kept(CSV, 'state=finished', 'acc>0.6')).toEqual({ names: ['a', 'c'], removed: 2 });
  });

  test('run metadata is filtered with the rows', () => {
    const { table } = applyWhere(JSON_TABLE, [parseWhere('state=finished')]);
    expect(table.runMeta?.map((m) => m.name)).toEqual(['a', 'c', 'd']);
    expect(table.rowCount).toBe(3);
    expect(JSON_TABLE.rowCount).toBe(4); // the input is not changed
  });

  test('an unknown column is an input error listing the columns', () => {
    expect(() => applyWhere(CSV, [parseWhere('status=finished')])).toThrow(InputError);
    expect(() => applyWhere(CSV, [parseWhere('status=finished')])).toThrow(
      '--where status=finished: runs.csv has no column "status" (did you mean "state"?); columns: run, state, lr, opt, acc',
    );
  });

  test('ordering needs numbers', () => {
    expect(() => applyWhere(CSV, [parseWhere('lr<small')])).toThrow(
      '--where lr<small: < compares numbers, and "small" is not one',
    );
    expect(() => applyWhere(CSV, [parseWhere('opt>1')])).toThrow(
      '--where opt>1: column "opt" holds "adam" (run 1), not a number; > needs numbers',
    );
    expect(() => applyWhere(JSON_TABLE, [parseWhere('opt>1')])).toThrow(UsageError);
  });
});
