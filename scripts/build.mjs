// Bundles each entry with ncc into one ESM file under dist/ (no node_modules needed at run time).
// ncc emits `index.js` + `package.json` per build; we rename to the entry's name and keep one
// dist/package.json that marks the folder as ESM.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const entries = [
  ['src/cli.ts', 'cli.js'],
  ['src/index.ts', 'index.js'],
  ['src/forest/worker.ts', 'forest-worker.js'],
];
const ncc = join('node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
rmSync('build/ncc', { recursive: true, force: true });
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
for (const [src, out] of entries) {
  if (!existsSync(src)) continue;
  const dir = join('build', 'ncc', out.replace(/\.js$/, ''));
  execFileSync(process.execPath, [ncc, 'build', src, '-o', dir, '--quiet', '--target', 'es2022'], {
    stdio: 'inherit',
  });
  renameSync(join(dir, 'index.js'), join('dist', out));
  for (const f of readdirSync(dir)) {
    if (f === 'package.json') continue;
    cpSync(join(dir, f), join('dist', f), { recursive: true });
  }
}
writeFileSync('dist/package.json', JSON.stringify({ type: 'module' }, null, 2) + '\n');
