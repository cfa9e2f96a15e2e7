// node --test tools/experiments: every experiment plan is a sweep plan `sparse-ternary sweep` accepts,
// and each plan that pretrains starts all of its compression runs from the pretrained model.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { expandPlan, readPlan } from '@sparse-ternary/sweep';

const planDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'plans');

for (const file of readdirSync(planDir).filter((f) => f.endsWith('.json'))) {
  test(`${file} is a sweep plan`, () => {
    const plan = readPlan(path.join(planDir, file));
    const runs = expandPlan(plan);
    assert.ok(plan.title);
    assert.equal(new Set(runs.map((r) => r.name)).size, runs.length);
    const compressions = runs.filter((r) => r.group !== 'pretrain');
    if (plan.pretrain) {
      assert.equal(runs[0].config.method, 'float');
      assert.deepEqual([...new Set(compressions.map((r) => r.needs))], ['pretrain,seed=1']);
      // The pretrained runs train with their own budget, not the pretraining run's.
      assert.ok(compressions.every((r) => r.config.stage1Epochs < runs[0].config.stage1Epochs));
    } else {
      assert.ok(compressions.every((r) => r.needs === undefined));
    }
  });
}
