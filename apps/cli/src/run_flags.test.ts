// The CLI's flags, help and config schema all come from the one declaration of the run options.
import { RUN_OPTIONS, longFlag, type OptionTable } from '@sparse-ternary/retrain';
import { Command } from 'commander';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { commanderOptions, configFromFlags, configSchema } from './run_flags';
import { runCli } from './testing/run_cli';

const ROOT = path.resolve(__dirname, '../../..');

/** The built CLI's stdout, its whitespace folded. */
const output = async (argv: string[]): Promise<string> => (await runCli(argv)).stdout.replace(/\s+/g, ' ');

test('the committed config.schema.json is the one the declaration gives (else: npm run build && npm run schema -w @sparse-ternary/cli)', () => {
  const committed = JSON.parse(readFileSync(path.join(__dirname, '../config.schema.json'), 'utf8'));
  expect(committed).toEqual(configSchema());
  expect(Object.keys(committed.properties)).toEqual(['$schema', ...Object.keys(RUN_OPTIONS)]);
});

test("compress --help lists every run option with its declaration's flag, help and default; the backend is the global flag", async () => {
  const help = await output(['compress', '--help']);
  for (const [name, spec] of Object.entries(RUN_OPTIONS as OptionTable)) {
    if (name === 'backend') continue;
    expect(help).toContain(spec.flag);
    expect(help).toContain(spec.help.replace(/\s+/g, ' ').slice(0, 30));
    if (spec.default !== undefined && spec.type !== 'boolean') expect(help).toMatch(new RegExp(`${spec.help.slice(-12).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*default ${String(spec.default).replace('.', '\\.')}`));
  }
  expect(await output(['--help'])).toContain(`${RUN_OPTIONS.backend.flag} ${RUN_OPTIONS.backend.help}`);
});

test('an option added to the declaration becomes a flag with its help, default and checks', async () => {
  const table = { labelSmoothing: { flag: '--label-smoothing <eps>', type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, group: 'training', help: 'label smoothing' } } as const satisfies OptionTable;
  const command = new Command('x').exitOverride().configureOutput({ writeErr: () => undefined });
  for (const option of commanderOptions(table.labelSmoothing)) command.addOption(option);
  expect(command.helpInformation().replace(/\s+/g, ' ')).toContain('--label-smoothing <eps> label smoothing (default 0)');
  command.parse(['--label-smoothing', '0.1'], { from: 'user' });
  expect(command.opts().labelSmoothing).toBe(0.1);
  expect(() => command.parse(['--label-smoothing', '1'], { from: 'user' })).toThrow("option '--label-smoothing <eps>' argument '1' is invalid. expected a number >= 0 and < 1");
});

test('flags map to option names, a switch defaulting to on has its --no- flag', () => {
  const command = new Command('x');
  for (const spec of Object.values(RUN_OPTIONS as OptionTable)) for (const option of commanderOptions(spec)) command.addOption(option);
  command.parse(['--lr', '5e-4', '-t', '2', '--no-restore-batch-norm', '-b', '7'], { from: 'user' });
  expect(configFromFlags(command)).toEqual({ learningRate: 5e-4, t: 2, restoreBatchNorm: false, batchSize: 7 });
});

/** Source files of the workspace, tests and builds left out. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return ['node_modules', 'dist', 'testing'].includes(e.name) ? [] : sources(file);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [file] : [];
  });

/** Flags of other commands that share a run option's name, not its meaning. */
const OTHER_MEANINGS: Record<string, string[]> = { 'apps/cli/src/program.ts': ['--out'] /* import and export: the file or folder to write */ };

test('the options are declared in one source file only: no other file quotes their flags', () => {
  const declaration = path.join(ROOT, 'packages/retrain/src/options/run_options.ts');
  const files = ['packages', 'apps'].flatMap((top) => readdirSync(path.join(ROOT, top)).flatMap((p) => sources(path.join(ROOT, top, p, 'src'))));
  const elsewhere: string[] = [];
  for (const file of files.filter((f) => f !== declaration)) {
    const text = readFileSync(file, 'utf8');
    const relative = path.relative(ROOT, file);
    for (const spec of Object.values(RUN_OPTIONS as OptionTable)) {
      const flag = longFlag(spec);
      if (new RegExp(`['"\`](-\\w, )?${flag}(?![\\w-])`).test(text) && !OTHER_MEANINGS[relative]?.includes(flag)) elsewhere.push(`${relative}: ${flag}`);
    }
  }
  expect(elsewhere).toEqual([]);
});
