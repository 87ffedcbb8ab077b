/** sql.js ships no types; this is the one entry used (src/sources/optuna/sqlite.ts types what it returns). */
declare module 'sql.js/dist/sql-wasm-inline.js' {
  const initSqlJs: () => Promise<unknown>;
  export default initSqlJs;
}
