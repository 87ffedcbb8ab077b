/**
 * package.json's runtime dependencies are exactly what src/ imports (everything else is a devDependency),
 * and every package in the lockfile accepts the Node versions the project supports, so `npm ci` prints no
 * EBADENGINE warning on Node 20 (issue 12).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.ts$/.test(e.name) ? [path] : [];
  });
}

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function importedPackages(): Set<string> {
  const found = new Set<string>();
  for (const file of sources(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'([^'.][^']*)'/g)) {
      if (!m[1].startsWith('node:')) found.add(packageOf(m[1]));
    }
    // a package file read at run time and copied beside the bundle (sql.js, src/sources/optuna/sqlite.ts)
    for (const m of text.matchAll(/new URL\('(?:\.\.\/)+node_modules\/((?:@[^/']+\/)?[^/']+)\//g))
      found.add(m[1]);
  }
  return found;
}

// ---- a small semver range check: enough for the `engines` ranges npm packages write ----------

type Version = [number, number, number];

function parsePartial(text: string): { v: Version; parts: number } {
  const nums = text
    .replace(/^v/, '')
    .split('.')
    .filter((p) => p !== '' && !/^[x*]$/i.test(p))
    .map((p) => Number.parseInt(p, 10));
  return { v: [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0], parts: nums.length };
}

function cmp(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function comparatorHolds(version: Version, comparator: string): boolean {
  const m = /^(\^|~|>=|<=|>|<|=)?(.*)$/.exec(comparator)!;
  const op = m[1] ?? '';
  if (m[2] === '*' || m[2] === '' || /^x$/i.test(m[2])) return true;
  const { v, parts } = parsePartial(m[2]);
  const c = cmp(version, v);
  switch (op) {
    case '>=':
      return c >= 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '<':
      return c < 0;
    case '^': {
      const upper: Version = v[0] > 0 ? [v[0] + 1, 0, 0] : v[1] > 0 ? [0, v[1] + 1, 0] : [0, 0, v[2] + 1];
      return c >= 0 && cmp(version, upper) < 0;
    }
    case '~': {
      const upper: Version = parts >= 2 ? [v[0], v[1] + 1, 0] : [v[0] + 1, 0, 0];
      return c >= 0 && cmp(version, upper) < 0;
    }
    default: {
      // `20`, `20.x`, `=1.2.3`: the same leading parts
      for (let i = 0; i < Math.max(parts, 1); i++) if (version[i] !== v[i]) return false;
      return true;
    }
  }
}

export function satisfies(version: string, range: string): boolean {
  const v = parsePartial(version).v;
  return range.split('||').some((alternative) => {
    const comparators = alternative
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .filter((c) => c !== '');
    return comparators.every((c) => comparatorHolds(v, c));
  });
}

describe('dependencies', () => {
  it('the range check reads the forms packages use', () => {
    expect(satisfies('20.19.0', '>=22')).toBe(false);
    expect(satisfies('20.19.0', '>= 14.6')).toBe(true);
    expect(satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies('20.18.1', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies('20.19.0', '18 || 20 || >=22')).toBe(true);
    expect(satisfies('21.0.0', '18 || 20 || >=22')).toBe(false);
    expect(satisfies('20.19.0', '>=0.6.11 <=0.7.0 || >=0.7.3')).toBe(true);
    expect(satisfies('20.19.0', '4.x || >=6.0.0')).toBe(true);
    expect(satisfies('20.19.0', '*')).toBe(true);
  });

  it('runtime dependencies are exactly the packages src/ imports (the bundle needs nothing else)', () => {
    expect(Object.keys(PKG.dependencies).sort()).toEqual([...importedPackages()].sort());
  });

  it('no package is both a runtime and a development dependency', () => {
    for (const name of Object.keys(PKG.dependencies)) expect(PKG.devDependencies).not.toHaveProperty(name);
  });

  it('every locked package accepts Node 20.19 and Node 24 (npm ci prints no EBADENGINE)', () => {
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(LOCK.packages)) {
      const engines = entry.engines;
      if (!engines || Array.isArray(engines) || typeof engines.node !== 'string') continue;
      for (const node of ['20.19.0', '24.0.0']) {
        if (!satisfies(node, engines.node))
          refused.push(`${path || 'the project'}: node ${engines.node} (${node})`);
      }
    }
    expect(refused).toEqual([]);
  });

  it("the project's own engines say the Node it is developed and tested on", () => {
    expect(satisfies('20.19.0', PKG.engines.node)).toBe(true);
    expect(satisfies('24.0.0', PKG.engines.node)).toBe(true);
    expect(satisfies('20.0.0', PKG.engines.node)).toBe(false); // vite 8 and rolldown need 20.19
  });
});
