/**
 * Read-only SQLite without a native module: Node's own `node:sqlite` where the running Node has it
 * (Node 22.13+, 24: the action's), else sql.js, SQLite compiled to WebAssembly (the variant with the
 * wasm inlined). Both give rows as plain objects.
 *
 * sql.js is read as text and run as a CommonJS module here, not imported: its Emscripten wrapper sets
 * `module = undefined` and then tests `typeof module`, which a bundler's static `typeof module`
 * rewrite breaks. `new URL(…, import.meta.url)` is what ncc follows to copy the file beside the bundle
 * (dist/sql-wasm-inline.js); from the sources it is the package's own file.
 */
import { promises as fsp, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';
import { InputError } from '../../errors.js';
import { fileError } from '../text-file.js';

export type Row = Record<string, unknown>;

export interface SqliteDb {
  /** Which engine read the file: 'node:sqlite' or 'sql.js'. */
  readonly engine: string;
  all(sql: string): Row[];
  close(): void;
}

const MAX_SQLITE_BYTES = 1024 * 1024 * 1024;
const HEADER = 'SQLite format 3\u0000';

/** True when the file starts with SQLite's header. */
export async function isSqliteFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await fsp.open(path, 'r');
    const buf = Buffer.alloc(16);
    const { bytesRead } = await handle.read(buf, 0, 16, 0);
    return bytesRead === 16 && buf.toString('latin1') === HEADER;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

interface NodeSqlite {
  DatabaseSync: new (
    path: string,
    options?: { readOnly?: boolean },
  ) => {
    prepare(sql: string): { all(): Row[] };
    close(): void;
  };
}

/** `node:sqlite` when this Node has it (without printing its experimental warning), else null. */
function nodeSqlite(): NodeSqlite | null {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof get !== 'function') return null;
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/sqlite/i.test(text)) return;
    (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    const mod = get.call(process, 'node:sqlite') as NodeSqlite | undefined;
    return mod && typeof mod.DatabaseSync === 'function' ? mod : null;
  } catch {
    return null;
  } finally {
    process.emitWarning = emitWarning;
  }
}

interface SqlJsStatic {
  Database: new (data: Uint8Array) => {
    exec(sql: string): { columns: string[]; values: unknown[][] }[];
    close(): void;
  };
}

let sqlJs: Promise<SqlJsStatic> | null = null;

async function loadSqlJs(): Promise<SqlJsStatic> {
  if (!sqlJs) {
    sqlJs = (async () => {
      const url = new URL('../../../node_modules/sql.js/dist/sql-wasm-inline.js', import.meta.url);
      const code = readFileSync(url, 'utf8');
      const wrapper = runInThisContext(`(function (module, exports, require) {${code}\n})`, {
        filename: 'sql-wasm-inline.js',
      }) as (module: { exports: unknown }, exports: unknown, require: NodeJS.Require) => void;
      const mod: { exports: unknown } = { exports: {} };
      wrapper(mod, mod.exports, createRequire(import.meta.url));
      const init = mod.exports as () => Promise<SqlJsStatic>;
      return init();
    })();
  }
  return sqlJs;
}

/** Opens `path` read-only. `prefer` forces an engine (tests); default node:sqlite when present. */
export async function openSqlite(path: string, prefer?: 'node:sqlite' | 'sql.js'): Promise<SqliteDb> {
  let size: number;
  try {
    const st = await fsp.stat(path);
    if (!st.isFile()) throw new InputError(`${path} is not a file (an Optuna SQLite database is one)`);
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw fileError(err, path);
  }
  if (size > MAX_SQLITE_BYTES) {
    throw new InputError(
      `${path}: a SQLite file of more than ${MAX_SQLITE_BYTES / 1024 / 1024} MiB is more than this tool reads`,
    );
  }
  if (!(await isSqliteFile(path))) {
    throw new InputError(
      `${path} is not a SQLite database (no SQLite header): give an Optuna journal file or a SQLite storage`,
    );
  }
  const native = prefer === 'sql.js' ? null : nodeSqlite();
  if (native) {
    const db = new native.DatabaseSync(path, { readOnly: true });
    return {
      engine: 'node:sqlite',
      all: (sql) =>
        db
          .prepare(sql)
          .all()
          .map((r) => ({ ...r })),
      close: () => db.close(),
    };
  }
  const SQL = await loadSqlJs();
  let data: Buffer;
  try {
    data = await fsp.readFile(path);
  } catch (err) {
    throw fileError(err, path);
  }
  const db = new SQL.Database(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return {
    engine: 'sql.js',
    all: (sql) => {
      const out: Row[] = [];
      for (const result of db.exec(sql)) {
        for (const values of result.values) {
          const row: Row = {};
          result.columns.forEach((c, i) => (row[c] = values[i]));
          out.push(row);
        }
      }
      return out;
    },
    close: () => db.close(),
  };
}
