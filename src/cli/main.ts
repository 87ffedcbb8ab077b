/**
 * The CLI: parse → analyse → render → write files → (comment) → exit code. Thin on purpose; each
 * step lives in its own module.
 */
import { isAbsolute, relative } from 'node:path';
import { EXIT, describeError, exitCodeOf, UsageError, type ExitCode } from '../errors.js';
import { parseCommandLine, type AnalyzeOptions } from './args.js';
import { describeExamples, findExample } from './examples.js';
import { runAnalysis, type AnalysisInput } from '../analysis/run-analysis.js';
import { resultsJson } from '../analysis/results-json.js';
import { describeOutcome, parseRules } from '../gates/rules.js';
import { buildReportModel } from '../report/model.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderText } from '../render/text.js';
import { writeFilesAtomic, type OutputFile } from '../publish/files.js';
import { ENGINE_VERSION } from '../version.js';
import { parseCommentTarget, postCliComment } from './comment.js';
import { commentKeyOf } from '../sources/registry.js';
import { progressReporter } from './progress.js';
import { nextSuggestion } from '../analysis/next-suggestion.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  stderrIsTty: boolean;
  /** The terminal's width when stdout is one (the report fits it); 80 otherwise. */
  stdoutColumns?: number;
}

export async function main(argv: string[], io: CliIo): Promise<ExitCode> {
  let debug = argv.includes('--debug');
  try {
    const command = parseCommandLine(argv);
    if (command.kind === 'help') {
      io.stdout(command.text);
      return EXIT.ok;
    }
    if (command.kind === 'version') {
      io.stdout(`sweep-insights ${ENGINE_VERSION}\n`);
      return EXIT.ok;
    }
    const options = command.options;
    debug = options.debug;
    if (command.kind === 'demo') {
      if (command.list) {
        io.stdout(describeExamples());
        return EXIT.ok;
      }
      const example = findExample(command.example);
      options.runs = displayPath(example.runs);
      if (options.target === undefined) {
        options.target = example.target;
        options.goal ??= example.goal; // the example's own goal goes with its own target
      }
      options.params ??= [...example.params];
    }
    return await analyze(options, io);
  } catch (err) {
    io.stderr(describeError(err, debug) + '\n');
    return exitCodeOf(err);
  }
}

async function analyze(options: AnalyzeOptions, io: CliIo): Promise<ExitCode> {
  const rules = parseRules(options.failOn);
  const progress = progressReporter(io.stderrIsTty && !options.quiet, io.stderr);
  const input: AnalysisInput = {
    runsFile: options.runs,
    sweep: options.sweep,
    source: options.source,
    states: options.states,
    env: io.env,
    wandb: {
      apiKey: io.env.WANDB_API_KEY,
      baseUrl: options.wandbBaseUrl ?? io.env.WANDB_BASE_URL,
      states: options.states,
      wait: options.wait,
      waitTimeoutMinutes: options.waitTimeoutMinutes,
    },
    target: options.target,
    goal: options.goal,
    params: options.params,
    where: options.where,
    trees: options.trees,
    seed: options.seed,
    threads: options.threads,
    rules,
    insights: options.insights,
    allowIdLike: options.allowIdLike,
    fidelity: options.fidelity,
    baseline: options.baseline,
    onProgress: progress.update,
  };
  if (options.comment !== undefined) {
    parseCommentTarget(options.comment); // a malformed target fails before any work
    if (!io.env.GITHUB_TOKEN) throw new UsageError('--comment needs a GitHub token in GITHUB_TOKEN');
  }
  let analysis;
  try {
    analysis = await runAnalysis(input);
  } finally {
    progress.done();
  }
  const model = buildReportModel(analysis);
  // Render everything before writing anything; then all the files are written, or none.
  const outputs: OutputFile[] = [];
  if (options.json) outputs.push({ path: options.json, text: resultsJson(analysis), label: '--json' });
  if (options.markdown) {
    outputs.push({
      path: options.markdown,
      text: renderMarkdown(model, {
        maxChars: 1_000_000,
        charts: options.charts,
        quickchartHost: options.quickchartHost,
      }),
      label: '--markdown',
    });
  }
  if (options.nextSweep) {
    const next = nextSuggestion(analysis);
    if (!next) {
      throw new UsageError(
        '--next-sweep needs the insights (drop --no-insights), at least 2 runs, and a hyperparameter whose name W&B accepts (letters, digits, _ . -; not starting with a digit)',
      );
    }
    outputs.push({ path: options.nextSweep, text: next.text, label: '--next-sweep' });
  }
  await writeFilesAtomic(outputs, { stdout: io.stdout });
  // An output written to stdout (`-`) has it to itself: no text report mixed in.
  const stdoutTaken = outputs.some((o) => o.path === '-');
  if (!options.quiet && !stdoutTaken)
    io.stdout(renderText(model, { width: io.stdoutColumns ?? 80, full: options.full }));
  if (options.comment) {
    const url = await postCliComment(
      model,
      options,
      io.env,
      commentKeyOf(analysis.meta, analysis.request.target),
    );
    if (!options.quiet) (stdoutTaken ? io.stderr : io.stdout)(`comment: ${url}\n`);
  }
  const failed = analysis.gates.filter((g) => !g.passed);
  for (const g of failed) io.stderr(`gate failed: ${describeOutcome(g)}\n`);
  return failed.length > 0 ? EXIT.gateFailed : EXIT.ok;
}

/** A path relative to the working directory when it lies below it: reports read the same on every machine. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
