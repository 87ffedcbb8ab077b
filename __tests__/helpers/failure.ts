/** Rejections to assert on. */
import { expect } from 'vitest';

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
