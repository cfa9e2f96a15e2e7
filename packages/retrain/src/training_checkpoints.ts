// train()'s checkpoint collaborator: what an epoch's checkpoint holds (the model's weights, the
// optimizer's state, the masks, the typed resume state) and how a resumed run takes it back.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Masks } from '@sparse-ternary/quantize-prune';
import { loadCheckpoint, setModelWeights, storedTensor, writeCheckpoint } from './checkpoint';
import { resumeState, type ResumeExpectations, type ResumeState } from './resume_state';

export async function saveTraining(dir: string, model: tfl.LayersModel, optimizer: tf.Optimizer, masks: Masks | undefined, state: ResumeState): Promise<void> {
  const optimizerWeights = await optimizer.getWeights();
  // getWeights() makes a new tensor of the step count beside the moments' variables: released once stored.
  const made = optimizerWeights.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor);
  writeCheckpoint(dir, {
    state: { ...state },
    groups: {
      weights: model.weights.map((w) => storedTensor(w.name, w.read())),
      optimizer: optimizerWeights.map((w) => storedTensor(w.name, w.tensor)),
      // Recorded for inspection and tools; compress recomputes them from stage 1's checkpoint.
      masks: [...(masks ?? new Map<string, tf.Tensor>()).entries()].map(([name, m]) => storedTensor(name, m)),
    },
  });
  tf.dispose(made);
}

/** Restores weights and optimizer state from the stage's checkpoint, checked against this run; its position. */
export async function restoreTraining(
  dir: string,
  expected: ResumeExpectations,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  onWarning?: (message: string) => void,
): Promise<ResumeState | undefined> {
  const checkpoint = loadCheckpoint(dir);
  if (!checkpoint) return undefined;
  for (const refused of checkpoint.refused) onWarning?.(`${refused.message}; resuming from ${checkpoint.file} instead`);
  const state = resumeState(checkpoint, expected);
  setModelWeights(model, checkpoint);
  await optimizer.setWeights(checkpoint.groups.optimizer.map((t) => ({ name: t.name, tensor: tf.tensor(t.values, t.shape) })));
  return state;
}
