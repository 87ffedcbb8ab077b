// ESLint flat config, as in actions/typescript-action: recommended rules for TypeScript sources and tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Imports flow one way: each folder of src/ may import its own and lower layers only, never a higher one
 * (types two layers share live in the lower one). Lowest first; src/errors.ts, version.ts, names.ts and
 * format.ts are below them all. A new source is a folder under src/sources/ and needs no line here.
 */
const LAYERS = [
  'http',
  'table',
  'sources',
  'design',
  'forest',
  'stats',
  'insights',
  'gates',
  'analysis',
  'report',
  'render',
  'publish',
  'cli',
  'action',
];
/**
 * Known upward imports, one module each, kept until they move (each a higher layer's helper that a lower
 * one reads): design's pairwise sum, gates' reading of the results' types, the report model's OLS summary.
 */
const ALLOWED_UP = {
  design: ['stats/sum.js'],
  gates: ['analysis/result.js'],
  report: ['render/ols-summary.js'],
};

function layerRules(layer, index) {
  const higher = LAYERS.slice(index + 1);
  const allowed = ALLOWED_UP[layer] ?? [];
  const group = [
    ...higher.flatMap((h) => [`../${h}/*`, `../../${h}/*`, `../../../${h}/*`]),
    ...allowed.flatMap((a) => [`!../${a}`, `!../../${a}`]),
  ];
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group,
              message: `src/${layer}/ is below ${higher.join(', ')}: move the shared type or helper down a layer (see CONTRIBUTING.md, How the code is laid out)`,
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'build/**',
      'coverage/**',
      '__tests__/fixtures/**',
      'examples/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...LAYERS.slice(0, -1).map(layerRules),
  {
    // the base modules import no layer at all
    files: ['src/errors.ts', 'src/version.ts', 'src/names.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: LAYERS.map((l) => `./${l}/*`), message: 'the base modules import no layer' }] },
      ],
    },
  },
);
