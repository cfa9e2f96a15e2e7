// Sweeps on many machines: a coordinator puts a plan's runs on a Redis queue (BullMQ) and two
// `sparse-ternary worker` processes take them. One worker is killed with -9 in the middle of a
// run: the other finishes that run (resuming it), no run is lost or done twice, and the
// coordinator exits 0 with the full summary; a pretraining run goes on the queue before the runs
// that start from it. Starts Debian's redis-server on a free loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REDIS_SERVER, testWith } from '../../../tools/testing/system_tools';
import { CLI, runCli } from './testing/run_cli';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => net.connect(port, '127.0.0.1').on('connect', function (this: net.Socket) { this.end(); resolve(true); }).on('error', () => resolve(false)));
    if (up) return redis;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

/** `sparse-ternary worker`, its output collected. */
function startWorker(queue: string, out: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [CLI, 'worker', '--queue', queue, '-o', out, '--threads', '1', '--lock-seconds', '3'], { env: { ...process.env, FORCE_COLOR: '0' } });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

const until = async (condition: () => boolean, what: string, seconds = 60) => {
  for (const end = Date.now() + seconds * 1000; !condition(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** A fresh folder, a redis-server of its own and the plan written there; `stop` ends both. */
async function queueSetup(plan: unknown) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'st-sweep-queue-'));
  const port = await freePort();
  const redis = await startRedis(port);
  const planFile = path.join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const stop = () => {
    redis.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  return { queue: `redis://127.0.0.1:${port}`, out: path.join(dir, 'out'), plan: planFile, stop };
}

testWith(REDIS_SERVER)('two workers on a Redis queue; one killed with -9 mid-run: its run is finished by the other, none lost or done twice', async () => {
  const { queue, out, plan, stop } = await queueSetup({ base: { model: 'tfc', data: 'mnist-10k', stage1Epochs: 2, stage3Epochs: 1 }, grid: { targetSparsity: [0.9, 0.95] }, seeds: [1, 2] });
  const workers: ChildProcess[] = [];
  try {
    const coordinator = runCli(['sweep', plan, '-o', out, '--queue', queue]);
    const doomed = startWorker(queue, out);
    workers.push(doomed.child);
    // The first run the doomed worker starts: killed in the middle of it.
    await until(() => /: started/.test(doomed.output()), 'the first worker to start a run');
    const killedRun = doomed.output().match(/^(\S+): started/m)![1];
    await new Promise((resolve) => setTimeout(resolve, 1500));
    doomed.child.kill('SIGKILL');
    const survivor = startWorker(queue, out);
    workers.push(survivor.child);
    const { code, stdout, stderr } = await coordinator;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('4 ran, 0 skipped, 0 failed');
    expect(survivor.output()).toContain(`${killedRun}: started`);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.runs).toMatchObject({ total: 4, finished: 4, failed: [], missing: [] });
    const summarized = summary.groups.flatMap((g: { runs: string[] }) => g.runs);
    expect(summarized.sort()).toEqual([...new Set(summarized)].sort());
    expect(summarized).toHaveLength(4);
    // The killed run was taken over once: two attempts, done, its report written by the survivor.
    const state = JSON.parse(readFileSync(path.join(out, 'runs', killedRun, 'sweep-run.json'), 'utf8'));
    expect(state).toMatchObject({ status: 'done', attempts: 2 });
    // Put on the queue again: everything is done, nothing runs.
    const again = await runCli(['sweep', plan, '-o', out, '--queue', queue]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 ran, 4 skipped, 0 failed');
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    stop();
  }
}, 240_000); // trains four runs, waits out a dead worker's lock: room for a machine shared with other work

testWith(REDIS_SERVER)("on a queue, a plan's pretraining run goes first and its runs start from the model.onnx the worker finds in the shared folder", async () => {
  const { queue, out, plan, stop } = await queueSetup({ base: { model: 'tfc', data: 'mnist-10k', stage1Epochs: 1, stage3Epochs: 1 }, pretrain: { method: 'float', stage3Epochs: 0 }, grid: { targetSparsity: [0.9, 0.95] } });
  // Two workers: the second would take a run that needs the pretrained model at once if it were on the queue.
  const workers = [startWorker(queue, out), startWorker(queue, out)];
  try {
    const { code, stdout, stderr } = await runCli(['sweep', plan, '-o', out, '--queue', queue]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('3 ran, 0 skipped, 0 failed');
    for (const run of ['targetSparsity=0.9,seed=1', 'targetSparsity=0.95,seed=1']) {
      expect(JSON.parse(readFileSync(path.join(out, 'runs', run, 'report.json'), 'utf8')).config.model).toBe(path.join(out, 'runs', 'pretrain,seed=1', 'model.onnx'));
      // Started once, after the pretraining run was done: no attempt failed for want of its model.
      expect(JSON.parse(readFileSync(path.join(out, 'runs', run, 'sweep-run.json'), 'utf8'))).toMatchObject({ status: 'done', attempts: 1 });
    }
  } finally {
    for (const w of workers) w.child.kill('SIGKILL');
    stop();
  }
}, 240_000); // trains three runs: room for a machine shared with other work
