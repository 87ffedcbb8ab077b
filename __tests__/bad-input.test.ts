/**
 * Bad input: each is refused with an InputError (exit code 2) whose one line names the file, the row
 * or line, the column, and says how to fix it. Files in __tests__/fixtures/bad/.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { InputError, UsageError, describeError, exitCodeOf } from '../src/errors.js';
import { readRunsFile } from '../src/sources/read-runs.js';
import { buildDesign, resolveParams } from '../src/design/build-design.js';
import { parseCsvText } from '../src/sources/csv.js';
import { parseJsonRuns } from '../src/sources/json.js';
import { parseJsonlRuns } from '../src/sources/jsonl.js';

const BAD = join(import.meta.dirname, 'fixtures', 'bad');
const bad = (name: string): string => join(BAD, name);

async function refusal(run: () => Promise<unknown> | unknown): Promise<InputError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect(exitCodeOf(err)).toBe(2);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(describeError(err)).toBe(`error: ${message}`);
    return err as InputError;
  }
  throw new Error('expected a refusal');
}

async function message(run: () => Promise<unknown> | unknown): Promise<string> {
  const err = await refusal(run);
  expect(err).toBeInstanceOf(InputError);
  return err.message;
}

describe('files that cannot be read as runs', () => {
  test('a missing file', async () => {
    const path = bad('does-not-exist.csv');
    expect(await message(() => readRunsFile(path))).toBe(`no such file: ${path}`);
    // sniffed formats too
    expect(await message(() => readRunsFile(bad('does-not-exist')))).toBe(
      `no such file: ${bad('does-not-exist')}`,
    );
  });

  test('a directory', async () => {
    expect(await message(() => readRunsFile(BAD))).toBe(
      `${BAD} is a directory, not a runs file (CSV, JSON or JSONL)`,
    );
  });

  test('an empty file', async () => {
    const path = bad('empty.csv');
    expect(await message(() => readRunsFile(path))).toBe(
      `${path} is empty: expected a header row (CSV) or run objects (JSON, JSONL)`,
    );
  });

  test('a header with no rows', async () => {
    const path = bad('header-only.csv');
    expect(await message(() => readRunsFile(path))).toBe(
      `${path} has a header but no runs: expected one row per run below it`,
    );
  });

  test('a row with another number of fields than the header', async () => {
    const path = bad('ragged.csv');
    // row 5 has a quoted comma and is fine; row 6 has an extra field
    expect(await message(() => readRunsFile(path))).toBe(
      `${path}: row 6 has 4 fields, the header 3; quote fields that contain commas`,
    );
    expect(await message(() => parseCsvText('a,b\n1,2\n3\n', 'x.csv'))).toBe(
      'x.csv: row 3 has 1 field, the header 2; quote fields that contain commas',
    );
    // a quoted newline makes rows and lines differ: both are named
    expect(await message(() => parseCsvText('a,b\n"1\n1",2\n3,4,5\n', 'x.csv'))).toBe(
      'x.csv: row 3 (line 4) has 3 fields, the header 2; quote fields that contain commas',
    );
  });

  test('duplicated column names', async () => {
    const path = bad('duplicate-columns.csv');
    expect(await message(() => readRunsFile(path))).toBe(
      `${path}: duplicated column name in the header: "lr" (columns 1 and 4); rename them`,
    );
  });

  test('a quote that is never closed', async () => {
    const path = bad('unclosed-quote.csv');
    expect(await message(() => readRunsFile(path))).toBe(
      `${path}: the quoted field opened in row 2 (line 2) is never closed; check the quotes`,
    );
  });

  test('a binary file: NUL bytes or invalid UTF-8', async () => {
    for (const name of ['binary.csv', 'invalid-utf8.csv', 'nul.txt']) {
      const path = bad(name);
      expect(await message(() => readRunsFile(path))).toBe(
        `${path} does not look like a text runs file (CSV, JSON or JSONL)`,
      );
    }
  });

  test('invalid JSON names its line and column', async () => {
    const path = bad('invalid.json');
    expect(await message(() => readRunsFile(path))).toBe(
      `${path}: invalid JSON at line 4, column 14: expected ',' or '}' in an object, found character "\\""`,
    );
  });

  test('invalid JSONL names the file line', async () => {
    const path = bad('invalid.jsonl');
    expect(await message(() => readRunsFile(path))).toBe(
      `${path}: invalid JSON at line 4, column 20: expected a value, found character "}"`,
    );
    const arrays = bad('array-line.jsonl');
    expect(await message(() => readRunsFile(arrays))).toBe(
      `${arrays}: line 2 is an array, not a run object; a JSONL file holds one {…} per line`,
    );
  });

  test('JSONL named .json and a JSON array named .jsonl', async () => {
    expect(await message(() => parseJsonRuns('{"a": 1}\n{"a": 2}\n', 'runs.json'))).toBe(
      'runs.json: invalid JSON at line 2, column 1: unexpected character "{" after the end of the JSON value; one run object per line is JSONL: name the file .jsonl',
    );
    expect(await message(() => parseJsonlRuns('[\n{"a": 1}\n]\n', 'runs.jsonl'))).toBe(
      'runs.jsonl: line 1 starts a JSON array, but a JSONL file holds one run object per line; name the file .json',
    );
  });

  test('JSON that is not a list of runs', async () => {
    const path = bad('not-an-array.json');
    expect(await message(() => readRunsFile(path))).toBe(
      `${path}: expected an array of run objects or {"runs": [...]}, found an object without a "runs" array; for one run object per line, name the file .jsonl`,
    );
    const numbers = bad('not-objects.json');
    expect(await message(() => readRunsFile(numbers))).toBe(
      `${numbers}: run 1 (line 1) is not a run object ({"name": value, …})`,
    );
    expect(await message(() => parseJsonRuns('[]', 'r.json'))).toBe('r.json holds no runs (an empty array)');
  });
});

describe('columns that cannot be analyzed', () => {
  test('an unknown target lists the numeric columns', async () => {
    const path = bad('ragged.csv').replace('ragged', 'text-target');
    const table = await readRunsFile(path);
    expect(await message(() => buildDesign(table, { target: 'accuracy', params: ['lr'] }))).toBe(
      `${path} has no column "accuracy" for the target; columns that hold numbers: lr`,
    );
    expect(await message(() => buildDesign(table, { target: 'ACC', params: ['lr'] }))).toBe(
      `${path} has no column "ACC" for the target (did you mean "acc"?); columns that hold numbers: lr`,
    );
  });

  test('an unknown hyperparameter lists the columns', async () => {
    const path = bad('text-target.csv');
    const table = await readRunsFile(path);
    expect(await message(() => buildDesign(table, { target: 'acc', params: ['lr', 'optimizer'] }))).toBe(
      `${path} has no column "optimizer" for a hyperparameter; columns: lr, opt, acc`,
    );
    expect(await message(() => buildDesign(table, { target: 'acc', params: ['lr', 'optt'] }))).toBe(
      `${path} has no column "optt" for a hyperparameter (did you mean "opt"?); columns: lr, opt, acc`,
    );
    expect(await message(() => resolveParams(table, ['lr', 'batch']))).toBe(
      `${path} has no column "batch" for --params; columns: lr, opt, acc`,
    );
  });

  test('a long column list is cut', () => {
    const header = Array.from({ length: 40 }, (_, i) => `c${i}`).join(',');
    const table = parseCsvText(`${header}\n${header.replace(/c/g, '')}\n`, 'wide.csv');
    expect(() => buildDesign(table, { target: 'c0', params: ['nope'] })).toThrow(
      /^wide\.csv has no column "nope" for a hyperparameter; columns: c0, c1, .*, c24, … \(15 more\)$/,
    );
  });

  test('a flat file without --params lists its columns', async () => {
    const table = await readRunsFile(bad('text-target.csv'));
    const err = await refusal(() => resolveParams(table));
    expect(err.message).toBe(
      `${bad('text-target.csv')} is a flat table: name its hyperparameters with --params a,b,c (comma-separated); columns: lr, opt, acc`,
    );
  });

  test('a target that is never a number', async () => {
    const path = bad('text-target.csv');
    const table = await readRunsFile(path);
    expect(await message(() => buildDesign(table, { target: 'acc', params: ['lr', 'opt'] }))).toBe(
      `${path}: target "acc" is a finite number in 0 of 3 runs, fewer than the 2 needed (0 missing; it holds values like "high", "low", "NA"); pick a numeric metric with --target; numeric columns: lr`,
    );
  });

  test('no hyperparameter with a value', async () => {
    const path = bad('no-values.csv');
    const table = await readRunsFile(path);
    expect(await message(() => buildDesign(table, { target: 'acc', params: ['lr', 'opt'] }))).toBe(
      `${path}: no hyperparameter has a value in the 2 runs with a finite "acc" (all empty: lr, opt); check --params`,
    );
  });

  test('a dummy named like another column', async () => {
    const path = bad('dummy-collision.csv');
    const table = await readRunsFile(path);
    expect(await message(() => buildDesign(table, { target: 'acc', params: ['opt', 'opt_adam'] }))).toBe(
      `${path}: design column "opt_adam" would come from both "opt" and "opt_adam" (a categorical's dummy is named {parameter}_{level}); rename one column or leave one out of --params`,
    );
  });

  test('a hyperparameter named twice is a usage error', async () => {
    const table = await readRunsFile(bad('dummy-collision.csv'));
    const err = await refusal(() => buildDesign(table, { target: 'acc', params: ['opt', 'opt'] }));
    expect(err.message).toBe('hyperparameter "opt" is named twice; name each once');
  });
});
