// Test helper: tests that need a system tool (Chromium, python3-onnx, python3-torchvision) run where it is installed.
// Where it is not they are skipped by name, the title saying what is missing and how to install
// it (tools/test-summary.mjs lists them); with CI=true a missing tool fails the test instead.
import { spawnSync } from 'node:child_process';
import TOOLS from './system_tools.json';

/** A tool, its install command and the command that succeeds where it is installed (system_tools.json). */
export interface SystemTool {
  name: string;
  install: string;
  check: string[];
}

const tool = (name: string): SystemTool => TOOLS.find((t) => t.name === name)!;
export const CHROMIUM = tool('chromium');
// Its check runs Debian's interpreter, where python3-onnx installs (a python3 earlier on PATH may lack it).
export const PYTHON3_ONNX = tool('python3-onnx');
// PyTorch's own optimizers, the reference for the compiled ones.
export const PYTHON3_TORCH = tool('python3-torch');
// torch.onnx.export of real torchvision architectures (python3-torch comes with it).
export const PYTHON3_TORCHVISION = tool('python3-torchvision');
// Sweeps on many machines: the BullMQ queue test starts its own redis-server on a loopback port.
export const REDIS_SERVER = tool('redis-server');

const present = ({ check }: SystemTool): boolean => spawnSync(check[0], check.slice(1), { stdio: 'ignore' }).status === 0;

/** The marker tools/test-summary.mjs reads from a skipped test's title. */
export const skipMarker = (tool: SystemTool): string => `[skipped: ${tool.name} missing: ${tool.install}]`;

type TestBody = jest.ProvidesCallback;

/** `test` where `tool` is installed; otherwise a skipped test titled with what is missing (a failing one when CI=true). */
export function testWith(tool: SystemTool): (title: string, body: TestBody, timeout?: number) => void {
  if (present(tool)) return (title, body, timeout) => test(title, body, timeout);
  if (process.env.CI === 'true') {
    return (title) =>
      test(title, () => {
        throw new Error(`${tool.name} is missing and CI runs every test: ${tool.install}`);
      });
  }
  return (title) => test.skip(`${title} ${skipMarker(tool)}`, () => undefined);
}
