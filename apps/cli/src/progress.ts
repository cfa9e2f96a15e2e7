// How a run reports progress: bars on a terminal, a line per epoch in logs, JSON events for
// machines, or nothing.
import { percent, type BatchProgress, type EpochProgress } from '@sparse-ternary/retrain';
import cliProgress from 'cli-progress';

export interface Reporter {
  stage(name: string, epochs: number): void;
  batch(progress: BatchProgress): void;
  epoch(progress: EpochProgress): void;
  /** A message for people (not shown in --json or --quiet mode). */
  info(message: string): void;
  /** A machine-readable event (only in --json mode), e.g. the files written. */
  event(name: string, fields: Record<string, unknown>): void;
  close(): void;
}

export type ReporterMode = 'tty' | 'lines' | 'json' | 'quiet';

export interface Output {
  write(text: string): void;
}

/** 75 -> "1m15s", 3725 -> "1h02m": an ETA people read at a glance. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Speed and the stage's time left, from the last batch. */
const pace = (p: BatchProgress) => `${Math.round(p.samplesPerSecond)} samples/s, stage ETA ${duration(p.etaSeconds)}`;

function epochLine(p: EpochProgress, last: BatchProgress | undefined): string {
  return `${p.stage} epoch ${p.epoch + 1}: loss ${p.loss.toFixed(4)}, penalty ${p.penalty.toExponential(2)}, sparsity ${percent(p.sparsity)}, ${p.validationAccuracy === undefined ? '' : `validation accuracy ${percent(p.validationAccuracy)}, `}test accuracy ${percent(p.quantizedAccuracy)} (float weights ${percent(p.floatAccuracy)}), ${p.seconds.toFixed(1)} s${last ? `, ${pace(last)}` : ''}`;
}

/** Within an epoch, a log gets at most one progress line this often. */
export const PROGRESS_LINE_SECONDS = 60;

/** A line per epoch, and a progress line at most every PROGRESS_LINE_SECONDS within one: for logs, CI and nohup. */
class LineReporter implements Reporter {
  /** The last batch's progress, and when a line was last written (seconds on `now`'s clock). */
  protected last?: BatchProgress;
  private lastLine: number;

  constructor(
    private readonly out: Output,
    private readonly now = () => performance.now() / 1000,
  ) {
    this.lastLine = now();
  }
  stage(name: string, epochs: number) {
    this.out.write(`${name}: ${epochs} epoch${epochs === 1 ? '' : 's'}\n`);
    this.lastLine = this.now();
  }
  batch(p: BatchProgress) {
    this.last = p;
    if (this.now() - this.lastLine < PROGRESS_LINE_SECONDS) return;
    this.out.write(`${p.stage} epoch ${p.epoch + 1}/${p.epochs}: batch ${p.batch}/${p.batches}, loss ${p.loss.toFixed(4)}, ${pace(p)}\n`);
    this.lastLine = this.now();
  }
  epoch(p: EpochProgress) {
    this.out.write(`${epochLine(p, this.last)}\n`);
    this.lastLine = this.now();
  }
  info(message: string) {
    this.out.write(`${message}\n`);
  }
  event() {}
  close() {}
}

/** A progress bar per stage (cli-progress), with the epoch lines printed above it. */
class TtyReporter extends LineReporter {
  private bar?: cliProgress.SingleBar;
  private epochs = 0;
  /** The last finished epoch (of any stage): the accuracy and sparsity the bar shows. */
  private latest?: EpochProgress;

  constructor(private readonly stream: NodeJS.WriteStream) {
    super(stream);
  }

  override stage(name: string, epochs: number) {
    this.close();
    this.epochs = epochs;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `${name} epoch {epoch}/{epochs} {bar} {value}/{total} | loss {loss} | acc {accuracy} | sparsity {sparsity} | {speed} samples/s | ETA {remaining}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  override batch(p: BatchProgress) {
    this.last = p;
    if (!this.bar) return;
    const payload = {
      epoch: p.epoch + 1,
      epochs: this.epochs,
      loss: p.loss.toFixed(4),
      accuracy: percent(this.latest?.quantizedAccuracy),
      sparsity: percent(this.latest?.sparsity),
      speed: Math.round(p.samplesPerSecond),
      remaining: Number.isFinite(p.etaSeconds) ? `${Math.round(p.etaSeconds)}s` : '-',
    };
    if (p.batch === 1 || !this.bar.getTotal()) this.bar.start(p.batches, p.batch, payload);
    else this.bar.update(p.batch, payload);
  }

  override epoch(p: EpochProgress) {
    this.latest = p;
    this.bar?.stop();
    super.epoch(p);
  }

  override close() {
    this.bar?.stop();
    this.bar = undefined;
  }
}

class JsonReporter implements Reporter {
  constructor(private readonly out: Output) {}
  private emit(event: string, fields: object) {
    this.out.write(`${JSON.stringify({ event, ...fields })}\n`);
  }
  stage(name: string, epochs: number) {
    this.emit('stage', { stage: name, epochs });
  }
  batch(p: BatchProgress) {
    this.emit('batch', p);
  }
  epoch(p: EpochProgress) {
    this.emit('epoch', p);
  }
  info() {}
  event(name: string, fields: Record<string, unknown>) {
    this.emit(name, fields);
  }
  close() {}
}

const quiet: Reporter = { stage() {}, batch() {}, epoch() {}, info() {}, event() {}, close() {} };

/** `now` (seconds) paces the progress lines of 'lines' mode. */
export function makeReporter(mode: ReporterMode, stdout: NodeJS.WriteStream, now?: () => number): Reporter {
  if (mode === 'json') return new JsonReporter(stdout);
  if (mode === 'quiet') return quiet;
  return mode === 'tty' ? new TtyReporter(stdout) : new LineReporter(stdout, now);
}

export const reporterMode = (flags: { json?: boolean; quiet?: boolean }, stdout: NodeJS.WriteStream): ReporterMode =>
  flags.json ? 'json' : flags.quiet ? 'quiet' : stdout.isTTY ? 'tty' : 'lines';
