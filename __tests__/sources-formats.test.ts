/**
 * The readers: the CSV parser's RFC 4180 details (fed whole and in every split), the lenient JSON
 * parser, and JSON, JSONL and W&B-shaped runs that carry the same runs as a CSV giving the same design.
 * Fixture files are written to a temporary directory from the strings below.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CsvParser, parseCsvText } from '../src/sources/csv.js';
import { parseJsonLenient } from '../src/sources/lenient-json.js';
import { JsonArrayScanner } from '../src/sources/json.js';
import { tableFromRecords } from '../src/sources/records.js';
import { detectFormat, readRunsFile, sniff } from '../src/sources/read-runs.js';
import { buildDesign, resolveParams, targetCandidates } from '../src/design/build-design.js';
import { InputError } from '../src/errors.js';
import type { Design } from '../src/design/types.js';

const DIR = mkdtempSync(join(tmpdir(), 'sources-formats-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(DIR, name);
  writeFileSync(path, content);
  return path;
}

/** All rows the parser yields for `text` pushed in the given pieces. */
function rows(pieces: string[]): string[][] {
  const out: string[][] = [];
  const parser = new CsvParser((fields) => out.push([...fields]), 'test.csv');
  for (const p of pieces) parser.push(p);
  parser.end();
  return out;
}

describe('CSV parser', () => {
  const text =
    '\ufeffname,"note",x\r\n' +
    'a,"quoted, with comma",1\r\n' +
    'b,"doubled ""quotes"" inside",2\n' +
    'c,"line one\r\nline two\nline three",3\r' +
    'd,,\n' +
    '\n' +
    'e,"",""\r\n' +
    'f,"x"y,z"w\n' +
    'g,plain,last';
  const expected = [
    ['name', 'note', 'x'],
    ['a', 'quoted, with comma', '1'],
    ['b', 'doubled "quotes" inside', '2'],
    ['c', 'line one\r\nline two\nline three', '3'],
    ['d', '', ''],
    ['e', '', ''],
    ['f', 'xy', 'z"w'],
    ['g', 'plain', 'last'],
  ];

  test('quotes, doubled quotes, CRLF/LF/CR, newlines in quotes, BOM, blank lines, no final newline', () => {
    expect(rows([text])).toEqual(expected);
  });

  test('the same rows however the text is cut into chunks', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      expect(rows([text.slice(0, cut), text.slice(cut)])).toEqual(expected);
    }
    expect(rows([...text])).toEqual(expected); // one character at a time
  });

  test('row and line numbers', () => {
    const seen: [number, number][] = [];
    const parser = new CsvParser((_, record, line) => seen.push([record, line]), 'x.csv');
    parser.push('a,b\r\n"1\r\n2",3\r\n\r\n4,5\n');
    parser.end();
    expect(seen).toEqual([
      [1, 1],
      [2, 2],
      [3, 5],
    ]);
  });

  test('a table of raw text cells; an empty header cell is named as pandas names it', () => {
    const t = parseCsvText(',lr,opt\n0,1e-3,NA\n1, 2 ,adam\n', 'r.csv');
    expect(t.columns).toEqual(['Unnamed: 0', 'lr', 'opt']);
    expect(t.textual).toBe(true);
    expect(t.format).toBe('csv');
    expect(t.rowCount).toBe(2);
    expect(t.cells.get('lr')).toEqual(['1e-3', ' 2 ']);
    expect(t.cells.get('opt')).toEqual(['NA', 'adam']);
    expect(t.configKeys).toEqual([]);
  });

  test('a file in 1 MB chunks with multi-byte characters across chunk ends', async () => {
    const rowsWanted = 60_000;
    const lines = ['id,label,acc'];
    for (let i = 0; i < rowsWanted; i++) lines.push(`${i},"é€😀 ${i % 7}",${(i % 100) / 100}`);
    const path = file('big.csv', lines.join('\n') + '\n');
    const t = await readRunsFile(path);
    expect(t.rowCount).toBe(rowsWanted);
    const labels = t.cells.get('label')!;
    for (let i = 0; i < rowsWanted; i += 997) expect(labels[i]).toBe(`é€😀 ${i % 7}`);
    expect(t.cells.get('id')![rowsWanted - 1]).toBe(String(rowsWanted - 1));
  });
});

describe('lenient JSON', () => {
  test('standard JSON as JSON.parse reads it', () => {
    const doc = '{"a": [1, -2.5e-3, true, false, null, "x\\"\\u00e9\\n"], "__proto__": {"b": 0}}';
    expect(parseJsonLenient(doc)).toEqual(JSON.parse(doc));
  });

  test('bare NaN, Infinity, -Infinity outside strings', () => {
    const v = parseJsonLenient('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN", "d": "x Infinity"}') as {
      a: number;
      b: number[];
      c: string;
      d: string;
    };
    expect(v.a).toBeNaN();
    expect(v.b).toEqual([Infinity, -Infinity]);
    expect(v.c).toBe('NaN');
    expect(v.d).toBe('x Infinity');
    // escapes still decoded on the lenient path
    expect(parseJsonLenient('["\\u00e9\\t\\\\", NaN]')).toEqual(['é\t\\', NaN]);
    const own = parseJsonLenient('{"__proto__": {"x": 1}, "n": NaN}') as Record<string, unknown>;
    expect(Object.keys(own)).toEqual(['__proto__', 'n']);
  });

  test.each([
    ['{"a": nan}', 'line 1, column 7: expected a value, found character "n"'],
    ['{"a": 1,\n "b": -Inf}', 'line 2, column 7: expected a value, found character "-"'],
    ['[1, 2', "line 1, column 6: expected ',' or ']' in an array, found end of input"],
    ['{"a": "x}', 'line 1, column 7: a string is never closed'],
    ['[01]', 'line 1, column 2: a number with a leading zero'],
    ['{"a": 1} x', 'line 1, column 10: unexpected character "x" after the end of the JSON value'],
    ['{"a": NaN,}', 'line 1, column 11: expected a key in double quotes, found character "}"'],
    ['"\\q"', 'line 1, column 2: invalid escape "\\\\q" in a string'],
    ['', 'line 1, column 1: the input is empty'],
  ])('%j is refused with its place', (text, where) => {
    expect(() => parseJsonLenient(text, 'runs.json')).toThrow(InputError);
    expect(() => parseJsonLenient(text, 'runs.json')).toThrow(`runs.json: invalid JSON at ${where}`);
  });

  test('fast enough for many MB', () => {
    const runs = Array.from({ length: 20_000 }, (_, i) => ({
      id: `run-${i}`,
      config: { lr: { value: 1e-3 * (i % 10) }, opt: { value: i % 2 ? 'adam' : 'sgd' } },
      summary: { loss: i % 5 === 0 ? 'NaN_TOKEN' : i / 7, _step: i },
    }));
    const text = JSON.stringify(runs).replace(/"NaN_TOKEN"/g, 'NaN');
    expect(text.length).toBeGreaterThan(2_000_000);
    const v = parseJsonLenient(text) as { summary: { loss: number } }[];
    expect(v).toHaveLength(20_000);
    expect(v[0].summary.loss).toBeNaN();
  });
});

describe('streamed JSON arrays', () => {
  const text =
    '\ufeff [\n {"a": "x]}\\"{[", "b": [1, {"c": NaN}]},\r\n' +
    '{"a": "é😀", "n": {"d": -Infinity}}\n,{}\n] \n';

  function scan(pieces: string[]): unknown[] {
    const out: unknown[] = [];
    const scanner = new JsonArrayScanner('runs.json', (v) => out.push(v));
    for (const p of pieces) scanner.push(p);
    scanner.end();
    return out;
  }

  test('elements as the whole-document parse gives them, however the text is cut', () => {
    const whole = parseJsonLenient(text.slice(1));
    expect(scan([text])).toEqual(whole);
    for (let cut = 0; cut <= text.length; cut++)
      expect(scan([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    expect(scan([...text])).toEqual(whole);
  });

  test.each([
    ['[{"a": 1},]', 'line 1, column 11: expected a run object after \',\', found character "]"'],
    ['[{"a": 1} {"a": 2}]', "line 1, column 11: expected ',' or ']' in an array, found character \"{\""],
    ['[{"a": 1}] x', 'line 1, column 12: unexpected character "x" after the end of the JSON value'],
    ['[{"a": 1},\n {"a": 2', "line 2, column 9: expected ',' or '}' in an object, found end of input"],
    ['[{"a": 1}', "line 1, column 10: expected ',' or ']' in an array, found end of input"],
    ['[\n  {"a": 1,\n   "b": nope}]', 'line 3, column 9: expected a value, found character "n"'],
    ['[\n  {"a": 1, "b": nope}]', 'line 2, column 17: expected a value, found character "n"'],
  ])('%j is refused at its place', (bad, where) => {
    expect(() => scan([bad])).toThrow(`runs.json: invalid JSON at ${where}`);
  });

  test('an element that is not an object', () => {
    expect(() => scan(['[{"a": 1},\n "x"]'])).toThrow('runs.json: run 2 (line 2) is not a run object');
  });

  test('a large file streams with lenient tokens', async () => {
    const runs = Array.from({ length: 30_000 }, (_, i) => ({
      config: { lr: { value: (i % 10) / 100 }, opt: { value: i % 3 ? 'adam' : 'sgd' } },
      summary: { loss: i % 50 === 0 ? 'NAN_TOKEN' : i / 3, text: 'a ] } [ { \\ " b' },
    }));
    const path = file('big.json', lenientText(runs));
    const t = await readRunsFile(path);
    expect(t.rowCount).toBe(30_000);
    expect(t.configKeys).toEqual(['lr', 'opt']);
    expect(t.cells.get('loss')![0]).toBeNaN();
    expect(t.cells.get('loss')![3]).toBe(1);
    expect(t.cells.get('text')![29_999]).toBe('a ] } [ { \\ " b');
  });
});

// The same six runs in every format. Run 5 has no target; run 4 a missing momentum; run 6 missing layers.
const CSV = [
  'lr,opt,arch.layers,aug,momentum,val_acc',
  '0.1,adam,2,true,0.9,0.81',
  '0.01,sgd,3,false,NA,0.85',
  '0.001,adam,2,True,0.5,0.9',
  '1e-4,sgd,4,false,,0.7',
  '0.05,rmsprop,3,TRUE,0.99,NA',
  '0.02,adam,,false,0.8,0.88',
].join('\n');

const FLAT = [
  { lr: 0.1, opt: 'adam', arch: { layers: 2 }, aug: true, momentum: 0.9, val_acc: 0.81 },
  { lr: 0.01, opt: 'sgd', 'arch.layers': 3, aug: false, momentum: null, val_acc: 0.85 },
  { lr: 0.001, opt: 'adam', arch: { layers: 2 }, aug: true, momentum: 0.5, val_acc: 0.9 },
  { lr: 0.0001, opt: 'sgd', arch: { layers: 4 }, aug: false, val_acc: 0.7 },
  { lr: 0.05, opt: 'rmsprop', arch: { layers: 3 }, aug: true, momentum: 0.99, val_acc: 'NAN_TOKEN' },
  { lr: 0.02, opt: 'adam', aug: false, momentum: 0.8, val_acc: 0.88 },
];

function lenientText(value: unknown): string {
  return JSON.stringify(value)
    .replace(/"NAN_TOKEN"/g, 'NaN')
    .replace(/"INF_TOKEN"/g, 'Infinity');
}

/** W&B API shape: config values wrapped, _wandb and wandb_version, summary with private keys and media. */
function wandbRecord(run: Record<string, unknown>, i: number): Record<string, unknown> {
  const { val_acc, ...rest } = run as { val_acc: unknown };
  const config: Record<string, unknown> = { wandb_version: 1, _wandb: { value: { cli_version: '0.16.0' } } };
  for (const [k, v] of Object.entries(rest)) {
    if (k === 'arch.layers') config.arch = { value: { layers: v }, desc: null };
    else if (k === 'momentum' && v === null) config.momentum = { value: 'INF_TOKEN' };
    else if (v !== null) config[k] = i % 2 ? { value: v, desc: 'from the sweep' } : v;
  }
  return {
    id: `r${i}`,
    name: `run-${i}`,
    state: i === 2 ? 'crashed' : 'finished',
    config,
    summary: {
      val_acc,
      _step: 10 + i,
      _runtime: 3.5,
      _wandb: { runtime: 3 },
      samples: { _type: 'image-file', path: 'media/x.png' },
      lr: 123, // collides with the config key
      nested: { loss: 0.1 * i },
    },
  };
}

function sameDesign(a: Design, b: Design): void {
  expect(b.features).toEqual(a.features);
  expect(b.parameters.map((p) => [p.name, p.kind, p.levels, p.present, p.distinct])).toEqual(
    a.parameters.map((p) => [p.name, p.kind, p.levels, p.present, p.distinct]),
  );
  expect(b.dropped).toEqual(a.dropped);
  expect(b.runs).toEqual(a.runs);
  expect(Array.from(b.rows)).toEqual(Array.from(a.rows));
  expect(Array.from(b.y)).toEqual(Array.from(a.y));
  expect(Array.from(b.X)).toEqual(Array.from(a.X));
}

describe('the same runs in every format give the same design', () => {
  const params = ['lr', 'opt', 'arch.layers', 'aug', 'momentum'];
  const opts = { target: 'val_acc', params };

  test('CSV, JSON array, {"runs": [...]}, JSONL, W&B-shaped JSON', async () => {
    const csv = buildDesign(await readRunsFile(file('same.csv', CSV)), opts);
    expect(csv.runs).toEqual({ total: 6, used: 5, droppedNoTarget: 1 });
    expect(csv.features).toEqual(['lr', 'arch.layers', 'aug', 'momentum', 'opt_adam', 'opt_sgd']);

    const json = await readRunsFile(file('same.json', lenientText(FLAT)));
    expect(json.format).toBe('json');
    expect(json.textual).toBe(false);
    sameDesign(csv, buildDesign(json, opts));

    const wrapped = await readRunsFile(file('wrapped.json', lenientText({ runs: FLAT })));
    sameDesign(csv, buildDesign(wrapped, opts));

    const jsonl = FLAT.map((r) => lenientText(r)).join('\r\n\n') + '\n';
    const jl = await readRunsFile(file('same.jsonl', jsonl));
    expect(jl.format).toBe('jsonl');
    sameDesign(csv, buildDesign(jl, opts));
    const nd = await readRunsFile(file('same.ndjson', jsonl));
    sameDesign(csv, buildDesign(nd, opts));

    const wb = await readRunsFile(file('wandb.json', lenientText(FLAT.map(wandbRecord))));
    expect(wb.configKeys).toEqual(params);
    expect(resolveParams(wb)).toEqual(params);
    const wbDesign = buildDesign(wb, { target: 'val_acc', params: resolveParams(wb) });
    sameDesign(csv, wbDesign);
  });

  test('a W&B-shaped table: config and metric keys, summary collisions, meta columns', async () => {
    const wb = await readRunsFile(file('wandb2.json', lenientText(FLAT.map(wandbRecord))));
    expect(wb.columns).toEqual([
      'lr',
      'opt',
      'arch.layers',
      'aug',
      'momentum',
      'val_acc',
      '_step',
      '_runtime',
      'summary.lr',
      'nested.loss',
      'name',
      'state',
    ]);
    expect(wb.configKeys).toEqual(['lr', 'opt', 'arch.layers', 'aug', 'momentum']);
    // no `_` keys and no media; the colliding summary key under its own name
    expect(wb.metricKeys).toEqual(['val_acc', 'summary.lr', 'nested.loss']);
    expect(targetCandidates(wb)).toEqual(wb.metricKeys);
    expect(wb.cells.get('summary.lr')).toEqual([123, 123, 123, 123, 123, 123]);
    expect(wb.cells.get('lr')![3]).toBe(0.0001);
    expect(wb.cells.get('state')).toEqual([
      'finished',
      'finished',
      'crashed',
      'finished',
      'finished',
      'finished',
    ]);
    expect(wb.runMeta?.[2]).toEqual({ id: 'r2', name: 'run-2', state: 'crashed' });
    // the non-finite momentum stays a number in the table; typing treats it as missing
    expect(wb.cells.get('momentum')![1]).toBe(Infinity);
    expect(wb.cells.get('val_acc')![4]).toBeNaN();
  });

  test('given run metadata wins over the records', () => {
    const meta = [{ id: 'a', name: 'A', state: 'finished', url: 'https://wandb.ai/e/p/runs/a' }];
    const t = tableFromRecords(
      [{ name: 'A', config: { x: 1 }, summary: { y: 2 } }],
      'W&B sweep e/p/s',
      'wandb',
      meta,
    );
    expect(t.runMeta).toBe(meta);
    expect(t.format).toBe('wandb');
    expect(t.columns).toEqual(['x', 'y', 'name']);
  });

  test('a config key named like a meta column keeps the config value', () => {
    const t = tableFromRecords(
      [{ name: 'run-a', state: 'finished', config: { name: 'resnet' }, summary: { acc: 1, state: 'x' } }],
      'w',
      'json',
    );
    expect(t.columns).toEqual(['name', 'acc', 'state']);
    expect(t.cells.get('name')).toEqual(['resnet']);
    expect(t.cells.get('state')).toEqual(['x']);
    expect(t.runMeta).toEqual([{ name: 'run-a', state: 'finished' }]);
  });

  test('JSON typing: strings are values, mixed columns as text, arrays as JSON text', () => {
    const records = [
      { p: 1, s: 'NA', b: true, m: 1, y: 1 },
      { p: 2, s: '3', b: false, m: 'adam', y: 2 },
      { p: Number.NaN, s: 'true', b: null, m: true, y: 3 },
      { p: 4, s: null, b: true, m: [1, 2], y: 4 },
      { p: 5, s: 'x', m: 1e-7, y: '5' },
      { p: -Infinity, s: 'x', b: false, m: 0.00001, y: 6 },
    ];
    const t = tableFromRecords(records, 'mixed.json', 'json');
    const d = buildDesign(t, { target: 'y', params: ['p', 's', 'b', 'm'] });
    // y "5" is a string: not a target number
    expect(d.runs).toEqual({ total: 6, used: 5, droppedNoTarget: 1 });
    const info = Object.fromEntries(d.parameters.map((p) => [p.name, p]));
    expect(info.p.kind).toBe('numeric');
    expect(Array.from(info.p.raw!)).toEqual([1, 2, NaN, 4, NaN]);
    expect(info.p.present).toBe(3);
    expect(info.s.kind).toBe('categorical');
    expect(info.s.levels).toEqual(['3', 'NA', 'true', 'x']);
    expect(info.b.kind).toBe('boolean');
    expect(info.m.kind).toBe('categorical');
    expect(info.m.levels).toEqual(['0.00001', '1', '[1,2]', 'adam', 'true']);
    expect(d.features).toEqual([
      'p',
      'b',
      's_3',
      's_NA',
      's_true',
      's_x',
      'm_0.00001',
      'm_1',
      'm_[1,2]',
      'm_adam',
      'm_true',
    ]);
    // mean of 1, 2, 4: the missing p rows get 7/3
    expect(d.X[2]).toBe(7 / 3);
  });

  test('levels sort by code point, as Python does (an astral character after U+FFFD)', () => {
    const t = parseCsvText('c,y\n\uFFFD,1\n😀,2\nb,3\nB,4\n', 'u.csv');
    const d = buildDesign(t, { target: 'y', params: ['c'] });
    expect(d.parameters[0].levels).toEqual(['B', 'b', '\uFFFD', '😀']);
  });
});

describe('format detection', () => {
  test('by extension, else by the first non-space character', async () => {
    expect(await detectFormat('x.CSV')).toBe('csv');
    expect(await detectFormat('x.json')).toBe('json');
    expect(await detectFormat('x.ndjson')).toBe('jsonl');
    expect(sniff('  [\n{"a":1}]')).toBe('json');
    expect(sniff('{"a": 1}\n{"a": 2}\n')).toBe('jsonl');
    expect(sniff('{"runs": [\n{"a": 1}]}')).toBe('json');
    expect(sniff('{"a": 1}\n')).toBe('json');
    expect(sniff('\ufeffa,b\n1,2')).toBe('csv');
    const noExt = file('runs-without-extension', FLAT.map((r) => lenientText(r)).join('\n'));
    expect((await readRunsFile(noExt)).format).toBe('jsonl');
    const csvNoExt = file('runs-data', CSV);
    expect((await readRunsFile(csvNoExt)).format).toBe('csv');
  });
});
