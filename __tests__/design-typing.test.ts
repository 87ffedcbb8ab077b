/** Cell typing (recipe.md §2–§4): the recipe's number rule, NA tokens, booleans, kinds, target values. */
import { describe, expect, test } from 'vitest';
import {
  NA_TOKENS,
  compareCodePoints,
  csvBoolean,
  csvNumber,
  pyStrip,
  targetNumber,
  typeColumn,
} from '../src/table/typing.js';
import type { Cell } from '../src/table/runs-table.js';

/** The oracle's rule, verbatim, to check the hand-written scanner against. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INF = /^[+-]?(inf|infinity)$/i;

function oracleNumber(text: string): number | null {
  const t = pyStrip(text);
  if (NUMBER.test(t)) return Number(t);
  if (INF.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return null;
}

describe('the number rule', () => {
  test.each([
    ['1', 1],
    ['-1', -1],
    ['+1.5', 1.5],
    ['1.', 1],
    ['.5', 0.5],
    ['-.5e-3', -0.0005],
    ['1e5', 100000],
    ['1E+05', 100000],
    ['  42  ', 42],
    ['\t7\r', 7],
    ['007', 7],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
    ['+INF', Infinity],
    ['1e400', Infinity],
  ])('%j is %d', (text, value) => {
    expect(csvNumber(text)).toBe(value);
  });

  test.each([
    '',
    ' ',
    '.',
    '-',
    '+.',
    'e5',
    '1e',
    '1e+',
    '0x10',
    '1_000',
    '1,5',
    'NaN',
    'nan',
    '--1',
    '1.2.3',
    'Infinit',
    'infinityy',
    '１',
    '5 5',
    'Inf.',
  ])('%j is not a number', (text) => {
    expect(csvNumber(text)).toBeNull();
  });

  test('agrees with the oracle regex on many generated strings', () => {
    const parts = ['', '+', '-', '0', '1', '9', '.', 'e', 'E', '5', ' ', 'x', 'inf', 'INF', 'inity'];
    let checked = 0;
    const build = (prefix: string, depth: number): void => {
      expect(csvNumber(prefix)).toBe(oracleNumber(prefix));
      checked++;
      if (depth === 0) return;
      for (const p of parts) build(prefix + p, depth - 1);
    };
    build('', 4);
    expect(checked).toBeGreaterThan(50_000);
  });

  test('strips white space as Python does, not as JS trim', () => {
    expect(pyStrip('\x1c 1 \x85')).toBe('1');
    expect(pyStrip('\ufeff1')).toBe('\ufeff1');
    expect(csvNumber('\x1f3')).toBe(3);
    expect(csvNumber('\ufeff3')).toBeNull();
  });
});

describe('missing values, booleans, targets', () => {
  test('the pandas NA tokens, compared without stripping', () => {
    expect(NA_TOKENS.size).toBe(19);
    for (const t of ['', 'NA', 'N/A', 'NaN', 'nan', '-nan', 'null', 'NULL', 'None', '<NA>', '#N/A']) {
      expect(NA_TOKENS.has(t)).toBe(true);
    }
    for (const t of [' NA', 'na', 'none', 'Nan', 'NONE']) expect(NA_TOKENS.has(t)).toBe(false);
  });

  test('booleans in any case', () => {
    expect(csvBoolean('TRUE')).toBe(true);
    expect(csvBoolean(' False ')).toBe(false);
    expect(csvBoolean('yes')).toBeNull();
    expect(csvBoolean('1')).toBeNull();
  });

  test('target: a finite number by the source rule', () => {
    expect(targetNumber('0.5', true)).toBe(0.5);
    expect(targetNumber(' 2 ', true)).toBe(2);
    expect(targetNumber('inf', true)).toBeNaN();
    expect(targetNumber('NA', true)).toBeNaN();
    expect(targetNumber('1e999', true)).toBeNaN();
    expect(targetNumber(0.5, false)).toBe(0.5);
    expect(targetNumber('0.5', false)).toBeNaN(); // a JSON string is a value, not a number
    expect(targetNumber(Infinity, false)).toBeNaN();
    expect(targetNumber(true, false)).toBeNaN();
    expect(targetNumber(null, false)).toBeNaN();
  });
});

function kinds(cells: Cell[], textual: boolean) {
  const t = typeColumn(cells, Int32Array.from(cells.keys()), textual);
  return {
    kind: t.kind,
    present: t.present,
    distinct: t.distinct,
    raw: t.raw ? Array.from(t.raw) : null,
    levels: t.levels,
  };
}

describe('kinds (recipe.md §4)', () => {
  test('CSV columns', () => {
    expect(kinds(['1', 'NA', '2.5', '1e0', 'inf'], true)).toEqual({
      kind: 'numeric',
      present: 3,
      distinct: 2,
      raw: [1, NaN, 2.5, 1, NaN],
      levels: [],
    });
    expect(kinds(['inf', '-inf', 'NA'], true).kind).toBe('empty');
    expect(kinds(['', 'NA', 'null'], true).kind).toBe('empty');
    expect(kinds(['True', 'false', '', 'FALSE'], true)).toEqual({
      kind: 'boolean',
      present: 3,
      distinct: 2,
      raw: [1, 0, NaN, 0],
      levels: [],
    });
    // levels exactly as written: no stripping, no number normalisation
    expect(kinds(['1', '1.0', ' a', 'a', 'NA'], true)).toMatchObject({
      kind: 'categorical',
      present: 4,
      levels: [' a', '1', '1.0', 'a'],
    });
    expect(kinds(['true', '1'], true).kind).toBe('categorical');
  });

  test("a column's distinct count treats 0 and -0 as one value", () => {
    expect(kinds(['0', '-0', '0.0'], true).distinct).toBe(1);
  });

  test('code point order', () => {
    const sorted = ['b', '😀', 'B', '\uffff', 'a'].sort(compareCodePoints);
    expect(sorted).toEqual(['B', 'a', 'b', '\uffff', '😀']);
  });
});
