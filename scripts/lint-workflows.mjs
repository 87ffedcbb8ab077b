#!/usr/bin/env node
// Lints every GitHub workflow of the project: the files in .github/workflows/ and every
// ```yaml block of README.md, CONTRIBUTING.md and docs/*.md that is a workflow (has `jobs:`), so the
// documented YAML is valid. Two layers:
//   1. the workflow JSON schema (SchemaStore's, as compiled into @action-validator/core, a WebAssembly
//      build of action-validator): keys, types, events, permissions, workflow_dispatch inputs, ...;
//   2. this project's rules for the documented examples: `${{ }}` closed; a step that uses this action
//      pins a full commit SHA, has an `id:`, passes only inputs action.yml declares, and a later step
//      reads one of its outputs; every `steps.ID.outputs.NAME` names an earlier step of the same job
//      (and a declared output when the step is this action); `needs.JOB` names a job it needs;
//      `fromJSON(...).name` is refused (names with dots or colons need `fromJSON(...)['name']`).
// Usage: node scripts/lint-workflows.mjs [--json] [FILE...]   (default: the project's files)
// Exit 0 when all pass, 1 with one line per problem otherwise.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import * as validator from '@action-validator/core';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const THIS_ACTION = /^([A-Za-z0-9_.-]+\/sweep-insights|\.\/?)(@.*)?$/;

/** The action's declared inputs and outputs (action.yml). */
export function actionInterface(root = ROOT) {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
  return { inputs: Object.keys(action.inputs ?? {}), outputs: Object.keys(action.outputs ?? {}) };
}

/** The files the project lints by default. */
export function defaultFiles(root = ROOT) {
  const files = [];
  const wf = join(root, '.github', 'workflows');
  if (existsSync(wf)) {
    for (const f of readdirSync(wf).sort()) if (/\.ya?ml$/.test(f)) files.push(join(wf, f));
  }
  // action.yml is checked against SchemaStore's action schema by __tests__/action-yml.test.ts (the schema
  // compiled into action-validator 0.6 predates runs.using: node24).
  for (const f of ['README.md', 'CONTRIBUTING.md']) if (existsSync(join(root, f))) files.push(join(root, f));
  const docs = join(root, 'docs');
  if (existsSync(docs)) {
    for (const f of readdirSync(docs).sort()) if (f.endsWith('.md')) files.push(join(docs, f));
  }
  return files;
}

/** The ```yaml (or ```yml) blocks of a Markdown text, with the line each starts on. */
export function yamlBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*ya?ml\b/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j].trimStart().startsWith(fence); j++) body.push(lines[j]);
    blocks.push({ line: i + 2, text: body.join('\n') + '\n' });
    i = j;
  }
  return blocks;
}

/** The deepest errors of action-validator's nested one_of/any_of states: the useful ones. */
function leafErrors(errors) {
  const out = [];
  const walk = (list) => {
    for (const e of list) {
      const nested = (e.states ?? []).flatMap((s) => s.errors ?? []);
      if (nested.length > 0) walk(nested);
      else out.push(e);
    }
  };
  walk(errors);
  const depth = (e) => (e.path ?? '').split('/').length;
  const deepest = Math.max(0, ...out.map(depth));
  const seen = new Set();
  return out
    .filter((e) => depth(e) === deepest)
    .map((e) => `${e.path || '/'}: ${e.detail ?? e.title}`)
    .filter((m) => !seen.has(m) && seen.add(m));
}

/** Schema problems of a workflow's text (action-validator), as lines. */
export function schemaProblems(text, kind = 'workflow') {
  // action-validator prints a warning per `paths:` glob it cannot check here (no repository to match): quiet.
  const { log, warn } = console;
  console.log = console.warn = () => {};
  let result;
  try {
    result = kind === 'action' ? validator.validateAction(text) : validator.validateWorkflow(text);
  } finally {
    Object.assign(console, { log, warn });
  }
  return result.errors.length > 0 ? leafErrors(result.errors) : [];
}

function strings(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/**
 * This project's rules for a workflow (parsed). `documented`: a README example, where this action is
 * `OWNER/sweep-insights@SHA` (pinned) and must be read back by a later step.
 */
export function projectProblems(workflow, { inputs, outputs }, { documented }) {
  const problems = [];
  for (const s of strings(workflow)) {
    const opens = (s.match(/\$\{\{/g) ?? []).length;
    const closes = (s.match(/\}\}/g) ?? []).length;
    if (opens > closes)
      problems.push(`an expression is not closed with }}: ${JSON.stringify(s.slice(0, 80))}`);
    const dotted = /fromJSON\(([^()]|\([^()]*\))*\)\.[A-Za-z_]/.exec(s);
    if (dotted) {
      problems.push(
        `${dotted[0]}…: read a key with fromJSON(...)['name'] (names with dots or colons break the dot form)`,
      );
    }
  }
  const jobs = workflow?.jobs && typeof workflow.jobs === 'object' ? workflow.jobs : {};
  for (const [jobName, job] of Object.entries(jobs)) {
    const needs = job?.needs === undefined ? [] : [job.needs].flat();
    for (const s of strings(job)) {
      for (const m of s.matchAll(/\bneeds\.([A-Za-z0-9_-]+)\./g)) {
        if (!needs.includes(m[1])) problems.push(`job ${jobName}: needs.${m[1]} is not in its needs:`);
      }
    }
    const steps = Array.isArray(job?.steps) ? job.steps : [];
    const ids = new Map(); // id → { index, ours }
    steps.forEach((step, index) => {
      const where = `job ${jobName}, step ${index + 1}${step?.id ? ` (${step.id})` : ''}`;
      // references to earlier steps' outputs
      for (const s of strings(step)) {
        for (const m of s.matchAll(/\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
          const ref = ids.get(m[1]);
          if (!ref) problems.push(`${where}: steps.${m[1]} is not an earlier step of job ${jobName}`);
          else if (ref.ours && !outputs.includes(m[2])) {
            problems.push(`${where}: steps.${m[1]}.outputs.${m[2]}: the action has no output ${m[2]}`);
          }
          if (ref) ref.read = true;
        }
      }
      const uses = typeof step?.uses === 'string' ? step.uses.trim() : '';
      const ours = THIS_ACTION.test(uses) && (uses.startsWith('.') || uses.includes('/sweep-insights'));
      if (typeof step?.id === 'string') ids.set(step.id, { index, ours, read: false });
      if (!ours) return;
      for (const name of Object.keys(step.with ?? {})) {
        if (!inputs.includes(name)) problems.push(`${where}: the action has no input ${name}`);
      }
      if (documented) {
        if (!/^[A-Za-z0-9_.-]+\/sweep-insights@[0-9a-f]{40}$/.test(uses)) {
          problems.push(
            `${where}: pin the action to a full commit SHA (OWNER/sweep-insights@<40 hex>), got ${uses}`,
          );
        }
        if (typeof step.id !== 'string')
          problems.push(`${where}: the action's step needs an id: to read its outputs`);
      }
    });
    if (documented) {
      for (const [id, ref] of ids) {
        if (ref.ours && !ref.read)
          problems.push(`job ${jobName}: no later step reads an output of step ${id}`);
      }
    }
  }
  return problems;
}

/** Every problem of one file, as `file:line: message` lines; `workflows` counts the workflows checked. */
export function lintFile(path, iface = actionInterface()) {
  const rel = relative(process.cwd(), path) || path;
  const text = readFileSync(path, 'utf8');
  const problems = [];
  let workflows = 0;
  const check = (yamlText, line, documented) => {
    let doc;
    try {
      doc = parse(yamlText);
    } catch (err) {
      problems.push(`${rel}:${line}: not YAML: ${String(err.message).split('\n')[0]}`);
      return;
    }
    if (!doc || typeof doc !== 'object' || !('jobs' in doc)) return; // not a workflow (a sweep config, a snippet)
    workflows++;
    for (const p of schemaProblems(yamlText)) problems.push(`${rel}:${line}: ${p}`);
    for (const p of projectProblems(doc, iface, { documented })) problems.push(`${rel}:${line}: ${p}`);
  };
  if (path.endsWith('.md')) {
    for (const block of yamlBlocks(text)) check(block.text, block.line, true);
  } else if (/(^|\/)action\.ya?ml$/.test(path)) {
    for (const p of schemaProblems(text, 'action')) problems.push(`${rel}: ${p}`);
  } else {
    check(text, 1, false);
  }
  return { file: rel, workflows, problems };
}

function main(argv) {
  const json = argv.includes('--json');
  const files = argv.filter((a) => a !== '--json');
  const iface = actionInterface();
  const results = (files.length > 0 ? files : defaultFiles()).map((f) => lintFile(f, iface));
  const problems = results.flatMap((r) => r.problems);
  if (json) {
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  } else {
    for (const p of problems) process.stderr.write(`error: ${p}\n`);
    const workflows = results.reduce((n, r) => n + r.workflows, 0);
    process.stdout.write(
      `workflows: ${workflows} checked in ${results.length} files, ${problems.length} problem(s)\n`,
    );
  }
  return problems.length > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
