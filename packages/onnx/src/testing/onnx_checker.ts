// Test helper: runs onnx.checker.check_model (full check, with shape inference) from Debian's
// python3-onnx on ONNX files; throws with the checker's message when a file fails. Tests that use it
// are declared with testWith(PYTHON3_ONNX) from tools/testing/system_tools.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = `
import sys, onnx
for f in sys.argv[1:]:
    onnx.checker.check_model(onnx.load(f), full_check=True)
print("checked", len(sys.argv) - 1)
`;

export function checkWithOnnx(models: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onnx-check-'));
  try {
    const files = Object.entries(models).map(([name, bytes]) => {
      const file = path.join(dir, `${name}.onnx`);
      writeFileSync(file, bytes);
      return file;
    });
    return execFileSync('/usr/bin/python3', ['-c', SCRIPT, ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
