// The activation quantizers, by kind (quantizerKind): the one registration list.
import type { ActivationQuantizer } from './activation_quantizer';
import { binaryActivation } from './binary_activation';
import { uniformActivation } from './uniform_activation';

export const ACTIVATION_QUANTIZERS: Readonly<Record<'binary' | 'uniform', ActivationQuantizer>> = {
  binary: binaryActivation,
  uniform: uniformActivation,
};
