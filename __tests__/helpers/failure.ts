/** Rejections to assert on. */
import { expect } from 'vitest';
import { describeError, exitCodeOf } from '../../src/errors.js';

/** The error `p` rejects with; fails the test when `p` resolves or rejects with a non-Error. */
export async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    return err as Error;
  }
  throw new Error('expected a failure');
}

/** What a user sees of the error `p` rejects with: the exit code and the one line printed. */
export async function failureLine(p: Promise<unknown>): Promise<{ code: number; line: string }> {
  try {
    await p;
  } catch (err) {
    return { code: exitCodeOf(err), line: describeError(err) };
  }
  throw new Error('expected a failure');
}
