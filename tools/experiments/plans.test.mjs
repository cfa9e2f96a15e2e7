// node --test tools/experiments: every experiment plan is a sweep plan `sparse-ternary sweep` accepts,
// and each plan that pretrains starts all of its compression runs from the pretrained model.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { expandPlan, readPlan } from '@sparse-ternary/sweep';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const planDir = path.join(here, 'plans');
// The plans under docs/experiments (each beside the folder of its committed summaries): every JSON
// file there but the summaries and wall times.
const docPlans = readdirSync(path.join(root, 'docs/experiments'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json') && !['summary.json', 'wall.json'].includes(path.basename(f)))
  .map((f) => path.join(root, 'docs/experiments', f));

for (const file of docPlans) {
  test(`${path.relative(root, file)} is a sweep plan whose model is committed, choosing on a held-out split every seed shares`, () => {
    const plan = readPlan(file);
    const runs = expandPlan(plan);
    assert.ok(plan.title);
    assert.equal(new Set(runs.map((r) => r.name)).size, runs.length);
    if (plan.base.model?.endsWith('.onnx')) assert.ok(existsSync(path.join(root, plan.base.model)), `${plan.base.model} is committed`);
    assert.ok(runs.every((r) => r.config.validation > 0 && r.config.validationSeed === runs[0].config.validationSeed));
  });
}

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
