/**
 * Column building shared by the sources that turn runs into a table one run at a time (run objects,
 * tracking services): growing columns that fill the rows a key missed with nulls, and the table's
 * named columns, first name wins.
 */
import type { Cell } from '../table/runs-table.js';

/** Growing column arrays: a key first seen at row r gets nulls for the rows before it. */
export class Columns {
  /** Keys in first-seen order. */
  readonly order: string[] = [];
  readonly data = new Map<string, Cell[]>();

  set(key: string, row: number, value: Cell): void {
    let col = this.data.get(key);
    if (!col) {
      col = [];
      this.data.set(key, col);
      this.order.push(key);
    }
    while (col.length < row) col.push(null);
    if (col.length === row) col.push(value);
    else col[row] = value;
  }

  padTo(rows: number): void {
    for (const col of this.data.values()) while (col.length < rows) col.push(null);
  }
}

/** A table's columns by name, in the order added. */
export class TableColumns {
  readonly columns: string[] = [];
  readonly cells = new Map<string, Cell[]>();

  /** Adds the column unless the name is taken; true when added. */
  add(name: string, col: Cell[]): boolean {
    if (this.cells.has(name)) return false;
    this.cells.set(name, col);
    this.columns.push(name);
    return true;
  }
}
