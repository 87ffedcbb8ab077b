/** Numeric comparison by operator, shared by `--where` filters and `fail-on` gates. */
export type NumericOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export function compareNumbers(a: number, op: NumericOp, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}
