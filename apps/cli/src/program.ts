// The sparse-ternary command line: commands, flags, help, exit codes (0 ok, 1 failure, 2 bad
// usage, 130 interrupted) and Ctrl-C handling.
import { didYouMean } from '@sparse-ternary/base';
import { cacheDir, DatasetNotFoundError } from '@sparse-ternary/datasets';
import { BACKEND_CHOICES, type BackendChoice } from '@sparse-ternary/engine';
import { OptionError, RUN_OPTIONS } from '@sparse-ternary/retrain';
import { PlanError } from '@sparse-ternary/sweep';
import { clientDir as notebookClientDir, startNotebookServer } from '@sparse-ternary/notebook';
import { QONNX_QUANT_OPS } from '@sparse-ternary/onnx';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { compressCommand } from './commands/compress';
import { pruneCommand, retrainCommand, trainCommand } from './commands/stages';
import { benchCommand, downloadCommand } from './commands/data_bench';
import { executeInChild, sweepCommand, workerCommand } from './commands/sweep';
import { costCommand, evalCommand, EXPORT_FORMATS, exportCommand, importCommand } from './commands/model_commands';
import { EXIT, UsageError } from './errors';
import { addRunOptions, commanderOptions, configFromFlags, flagsOverDefaults, resolveConfig, valueParser } from './run_flags';
import { makeReporter, reporterMode, type Reporter } from './progress';
import { CLI_VERSION } from './version';

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

const EXAMPLES = `
Examples:
  sparse-ternary                                   the demo: LFC on the embedded MNIST 8k/2k split, all three stages, into ./out
  sparse-ternary compress -m cnv -d cifar10 --stage1-epochs 20 --stage3-epochs 10 -o out/cnv
  sparse-ternary compress -m model.onnx -d fashion-mnist --lr 5e-4 -o out/imported
  sparse-ternary compress --config out/run.json --resume       continue an interrupted run
  sparse-ternary train -m sfc -o out/s && sparse-ternary prune -o out/s && sparse-ternary retrain -o out/s
  sparse-ternary eval -m out/model.onnx -d mnist-10k
  sparse-ternary export -m out/model.onnx --format qonnx -o out/model.finn.onnx
  sparse-ternary cost -m out/model.onnx
  sparse-ternary import model.onnx -o tfjs-model
  sparse-ternary data download fashion-mnist --dir ~/.cache/sparse-ternary/datasets/fashion-mnist
  sparse-ternary bench -m lfc --backends ort,cpu
  sparse-ternary sweep plan.json -o out/sweep --workers 2      then: sparse-ternary sweep status -o out/sweep
  sparse-ternary notebook --port 8080                          then open the address it prints (it carries the token)`;

/** -m for the commands that need a model named: without compress's default (lfc), which would not apply. */
const requiredModel = () => commanderOptions({ ...RUN_OPTIONS.model, default: undefined })[0].makeOptionMandatory();

const positiveInt = valueParser({ type: 'integer', exclusiveMinimum: 0 });
const positive = valueParser({ type: 'number', exclusiveMinimum: 0 });

export async function run(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let exitCode: number = EXIT.ok;
  const controller = new AbortController();
  let reporter: Reporter | undefined;
  const program = new Command('sparse-ternary');
  const globals = () => program.opts() as { backend?: BackendChoice; json?: boolean; quiet?: boolean; verbose?: boolean };
  const makeIt = () => (reporter = makeReporter(reporterMode(globals(), io.stdout), io.stdout));
  const backend = () => globals().backend ?? 'auto';
  const context = (args: string[]) => ({ reporter: makeIt(), signal: controller.signal, commandLine: `sparse-ternary ${args.join(' ')}`.trim(), stderr: io.stderr });

  program
    .description('Compress neural networks into sparse ternary networks (weights in {-a, 0, +a}, most of them zero).')
    .version(CLI_VERSION)
    .addOption(commanderOptions(RUN_OPTIONS.backend)[0])
    .option('--json', 'machine-readable JSON events on stdout, one per line')
    .option('-q, --quiet', 'no progress output')
    .option('--verbose', 'stack traces with errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText('after', EXAMPLES);

  /** A command that trains: every run option, a config file under them, and resuming. */
  const trainingCommand = (name: string, description: string, options?: { isDefault: boolean }) =>
    addRunOptions(program.command(name, options).description(description))
      .option('--config <file.json>', 'read the options from a JSON file (a run.json, or any subset; flags given here override it)')
      .option('--resume', 'continue from the checkpoints in --out');

  trainingCommand('compress', 'the three-stage pipeline: train with QTR, prune what quantizes to zero, retrain; exports, reports and checkpoints in --out', { isDefault: true })
    .addHelpText('after', EXAMPLES)
    .action(async (_options, command: Command) => {
      const config = resolveConfig(command, globals().backend);
      exitCode = await compressCommand(config, Boolean(command.opts().resume), context(argv));
    });

  trainingCommand('train', 'stage 1 alone (and stage 0 if asked): writes checkpoints and stage-1.json in --out; then prune, then retrain')
    .action(async (_options, command: Command) => {
      const config = resolveConfig(command, globals().backend);
      exitCode = await trainCommand(config, Boolean(command.opts().resume), context(argv));
    });

  addRunOptions(program.command('prune'), ['out'])
    .description('stage 2 alone: prunes what quantizes to zero in the stage-1 weights of the run in --out')
    .action(async (_options, command: Command) => {
      exitCode = await pruneCommand(flagsOverDefaults(command).out, context(argv));
    });

  addRunOptions(program.command('retrain'), ['out'])
    .description('stage 3 alone: retrains the pruned weights of the run in --out with the mask fixed, then exports and reports like compress')
    .option('--resume', 'continue from the stage-3 checkpoints')
    .action(async (options, command: Command) => {
      exitCode = await retrainCommand(flagsOverDefaults(command).out, Boolean(options.resume), context(argv));
    });

  addRunOptions(program.command('eval'), ['data', 'inputSize', 'scale', 'mean', 'std', 'tta'])
    .addOption(requiredModel())
    .description("test accuracy of a model (a topology or an .onnx file) on a dataset's test split")
    .action(async (_options, command: Command) => {
      exitCode = await evalCommand({ ...flagsOverDefaults(command), backend: backend() }, makeIt());
    });

  program
    .command('import')
    .description('import an ONNX model as a TF.js layers model folder (model.json + weights.bin)')
    .argument('<file.onnx>', 'the ONNX model')
    .option('-o, --out <folder>', 'output folder', 'tfjs-model')
    .action(async (file: string, options) => {
      exitCode = await importCommand(file, { ...options, backend: backend() }, makeIt());
    });

  program
    .command('export')
    .description('export a model (an .onnx file, e.g. out/model.onnx, or a topology) to ONNX, int8 ONNX or QONNX')
    .addOption(requiredModel())
    .addOption(new Option('--format <format>', 'onnx (float), onnx-int8 (int8 + DequantizeLinear) or qonnx (FINN)').choices(Object.keys(EXPORT_FORMATS)).default('onnx'))
    .addOption(new Option('--qonnx-op <op>', "qonnx: the ternary kernels' op, Quant (what FINN reads) or IntQuant (the current QONNX spec's name)").choices(QONNX_QUANT_OPS).default('Quant'))
    .requiredOption('-o, --out <file.onnx>', 'the file to write')
    .action(async (options) => {
      exitCode = await exportCommand({ ...options, backend: backend() }, makeIt());
    });

  addRunOptions(program.command('cost'), ['model'])
    .description('hardware cost report: memory per representation, operations, FPGA estimate')
    .option('--luts <n>', 'custom device LUTs (default: Zynq-7020)', positiveInt)
    .option('--bram <n>', 'custom device BRAM36 blocks', positiveInt)
    .option('--clock <MHz>', 'custom device clock', positive)
    .option('--activation-bits <n>', "activation bits of the FPGA estimate (default: the model's own: its quantized activations' bits, or 32 for float ones)", positiveInt)
    .option('--md <file>', 'also write the report to this Markdown file')
    .action(async (options, command: Command) => {
      exitCode = await costCommand({ ...options, model: flagsOverDefaults(command).model, backend: backend() }, makeIt(), io.stdout, Boolean(globals().json));
    });

  program
    .command('data')
    .description('datasets')
    .command('download')
    .description('download a dataset (pinned SHA-256) into a folder')
    .argument('<name>', 'mnist, fashion-mnist, cifar10 or cifar100')
    .option('--dir <folder>', 'where to write (default: the cache, $XDG_CACHE_HOME/sparse-ternary/datasets/<name>)')
    .option('--mirror <url>', 'fetch the files from this folder URL instead')
    .option('--timeout <seconds>', 'give a download up after this many seconds without data from the server (default 30)', positive)
    .action(async (name: string, options) => {
      exitCode = await downloadCommand(name, { dir: options.dir ?? path.join(cacheDir(), name), mirror: options.mirror, stallSeconds: options.timeout }, makeIt());
    });

  addRunOptions(program.command('bench'), ['model', 'batchSize'])
    .description('training throughput of a model (a topology or an .onnx file) on each backend')
    .option('--backends <list>', 'comma-separated backends', 'ort,cpu')
    .option('--steps <n>', 'timed steps per backend', positiveInt, 5)
    .action(async (options, command: Command) => {
      const { model, batchSize } = flagsOverDefaults(command);
      const backends = String(options.backends).split(',');
      const unknown = backends.filter((b) => !(BACKEND_CHOICES as readonly string[]).includes(b));
      if (unknown.length) throw new UsageError(`--backends: unknown ${unknown.join(', ')} (expected ${BACKEND_CHOICES.join(', ')})`);
      exitCode = await benchCommand({ model, batchSize, steps: options.steps, backends }, makeIt(), io.stdout, Boolean(globals().json));
    });

  addRunOptions(program.command('sweep'), ['threads'])
    .description('a sweep plan (a base configuration, a grid or list over its keys, seeds) run as compress runs on local workers, then summarized; `sweep status -o <folder>` shows progress')
    .argument('<plan>', 'the plan, .json or .yaml (or the word status)')
    .requiredOption('-o, --out <folder>', 'one subfolder per run (runs/<name>), sweep.json, summary.md and summary.json')
    // Measured on 2 cores: 2 runs of 1 thread each finished 4 LFC runs in 44 s, 1 run of 2 threads in 55.6 s.
    .option('--workers <n>', "runs at a time (default: the machine's cores, one thread each)", positiveInt, os.availableParallelism())
    .option('--queue <redis-url>', 'put the runs on this Redis queue (BullMQ) for `sparse-ternary worker`s on any number of machines sharing --out, and wait for them')
    .action(async (plan: string, options, command: Command) => {
      exitCode = await sweepCommand(plan, { out: options.out, workers: options.workers, threads: configFromFlags(command).threads, queue: options.queue }, makeIt(), controller.signal, (text) => io.stdout.write(text));
    });

  addRunOptions(program.command('worker'), ['threads'])
    .description("take a sweep's runs off its Redis queue (sparse-ternary sweep --queue) into the shared output folder, until Ctrl-C or SIGTERM")
    .requiredOption('--queue <redis-url>', 'the queue, redis://host:port')
    .requiredOption('-o, --out <folder>', "the sweep's output folder as this machine mounts it")
    .option('--lock-seconds <n>', "how long a run's lock outlives a worker that died before another worker takes the run", positiveInt, 30)
    .action(async (options, command: Command) => {
      exitCode = await workerCommand({ queue: options.queue, out: options.out, threads: configFromFlags(command).threads, lockSeconds: options.lockSeconds }, makeIt(), controller.signal);
    });

  program
    .command('notebook')
    .description('the web notebook: compress step by step in the browser with live charts (serves on 127.0.0.1 unless --host is given)')
    .option('--port <n>', 'port (0: any free one)', valueParser({ type: 'integer', minimum: 0, maximum: 65535 }), 8080)
    .option('--host <address>', 'listen on this address instead of 127.0.0.1 (makes the notebook reachable from elsewhere: open it by this address, with the token printed)')
    .option('--data-dir <folder>', 'a folder the data cell may read (repeatable; besides the dataset names, $SPARSE_TERNARY_DATA and the dataset cache)', (v: string, all: string[] = []) => [...all, v])
    .action(async (options) => {
      // The sweep cell's compressions run as `compress` processes, one per core.
      const sweep = { execute: executeInChild, workers: os.availableParallelism() };
      const server = await startNotebookServer({ port: options.port, host: options.host, dataFolders: options.dataDir, backend: globals().backend as never, clientDir: notebookClientDir(), sweep });
      const reporter = makeIt();
      reporter.info(`notebook at ${server.url} (Ctrl-C to stop)`);
      reporter.event('notebook', { url: server.url });
      // Until Ctrl-C (which aborts the controller), then a clean shutdown.
      await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
      await server.close();
    });

  // Ctrl-C: stop after the current batch with a checkpoint; a second one quits at once.
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    io.stderr.write('\nstopping (after this batch, with a checkpoint, when training); Ctrl-C again to quit now\n');
    controller.abort();
  };
  // SIGTERM (a service manager, kill) stops the same way: checkpointed runs, temporary folders removed.
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    // The default command (compress) takes no arguments: a word first is a command, or a typo of one.
    const commands = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    if (argv[0] && !argv[0].startsWith('-') && !commands.includes(argv[0])) throw new UsageError(`unknown command '${argv[0]}'${didYouMean(argv[0], commands)}`);
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    reporter?.close();
    if (error instanceof CommanderError && error.exitCode === 0) return EXIT.ok;
    const code = error instanceof CommanderError || error instanceof UsageError || error instanceof OptionError || error instanceof PlanError ? EXIT.usage : EXIT.failure;
    // The CLI's way to get a missing dataset is its own command.
    const message = error instanceof DatasetNotFoundError ? error.saying(`\`sparse-ternary data download ${error.dataset}\``) : error instanceof Error ? error.message : String(error);
    // Commander has written its own message; ours is one line, and with --json a JSON event on stdout too.
    if (!(error instanceof CommanderError)) io.stderr.write(`error: ${message}\n`);
    if (globals().json) io.stdout.write(`${JSON.stringify({ error: { type: error instanceof Error ? error.name : 'Error', message: message.replace(/^error: /, ''), exitCode: code } })}\n`);
    if (globals().verbose && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return code;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}
