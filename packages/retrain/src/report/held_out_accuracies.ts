// The accuracies a run's report gives beside its test accuracy: on the held-out validation images
// (what sweeps choose on) and with test-time augmentation (shown, never chosen on).
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LabeledImages, TensorOptions } from '@sparse-ternary/datasets';
import { accuracy, type TestTimeAugmentation } from '../evaluate';
import type { RunReport } from './run_report';

export function heldOutAccuracies(model: tfl.LayersModel, sets: { validation?: LabeledImages; test: LabeledImages }, tensors: TensorOptions, tta: TestTimeAugmentation): Pick<RunReport, 'validation' | 'tta'> {
  return {
    ...(sets.validation ? { validation: { count: sets.validation.count, accuracy: accuracy(model, sets.validation, tensors) } } : {}),
    ...(tta !== 'none' ? { tta: { method: tta, accuracy: accuracy(model, sets.test, tensors, undefined, tta) } } : {}),
  };
}
