/**
 * Imports flow one way (eslint.config.js, LAYERS): a lower folder of src/ importing a higher one is a
 * lint error, the few known exceptions aside; and src/ as it is passes.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

async function errors(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering', () => {
  it('refuses an import from a higher layer, at any depth', async () => {
    expect(
      await errors("import type { Design } from '../design/types.js';\n", 'src/table/probe.ts'),
    ).toHaveLength(1);
    expect(
      await errors(
        "import type { Analysis } from '../../analysis/analysis.js';\n",
        'src/sources/wandb/probe.ts',
      ),
    ).toHaveLength(1);
    expect(await errors("import { num } from '../analysis/result.js';\n", 'src/stats/probe.ts')).toHaveLength(
      1,
    );
    expect(
      await errors("import { nearest } from '../design/build-design.js';\n", 'src/sources/probe.ts'),
    ).toHaveLength(1);
  });

  it('allows lower layers, the shared base modules and the listed exceptions', async () => {
    expect(
      await errors(
        "import type { RunsTable } from '../table/runs-table.js';\nimport { nearest } from '../names.js';\n",
        'src/sources/probe.ts',
      ),
    ).toEqual([]);
    expect(
      await errors("import type { SourceMeta } from '../sources/types.js';\n", 'src/insights/probe.ts'),
    ).toEqual([]);
    expect(await errors("import { pairwiseSum } from '../stats/sum.js';\n", 'src/design/probe.ts')).toEqual(
      [],
    );
    expect(await errors("import { fitOls } from '../stats/ols.js';\n", 'src/design/probe.ts')).toHaveLength(
      1,
    );
  });
});
