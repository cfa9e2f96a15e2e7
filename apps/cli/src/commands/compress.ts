// compress: the three stages end to end, then exports, reports and checkpoints in --out.
import { compress, type RunConfig } from '@sparse-ternary/retrain';
import { EXIT } from '../errors';
import { baselineAccuracy, finishRun, interruptible, pipelineOptions, runConfigFile, startRun, type CommandContext } from './pipeline';

export async function compressCommand(config: RunConfig, resume: boolean, ctx: CommandContext): Promise<number> {
  const run = await startRun(config, ctx, resume);
  const options = pipelineOptions(run, resume, ctx);
  const accuracyBefore = baselineAccuracy(run, options);
  const result = await interruptible(run, () => compress(run.model, run.data.train, options), `sparse-ternary compress --config ${runConfigFile(config.out)} --resume`, ctx);
  if (!result) return EXIT.interrupted;
  return finishRun(run, result.report, accuracyBefore, ctx);
}

