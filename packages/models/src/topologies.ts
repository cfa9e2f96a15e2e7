import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelBuilder } from './blocks';
import { cifarResnet } from './resnet';
import type { TopologyOptions } from './topology_options';

/** FINN's MLPs for 28x28x1 inputs: three hidden layers of `width` units. */
const finnMlp = (width: number) => (options: TopologyOptions = {}): tfl.Sequential =>
  new ModelBuilder(options, [28, 28, 1]).flatten().dense(width).dense(width).dense(width).classifier();

/** FINN's TFC: 784-64-64-64-10. */
export const tfc = finnMlp(64);
/** FINN's SFC: 784-256-256-256-10. */
export const sfc = finnMlp(256);
/** FINN's LFC: 784-1024-1024-1024-10 (2,910,208 dense weights). */
export const lfc = finnMlp(1024);

/** FINN's CNV for 32x32x3 (CIFAR-10): 3x3 valid convs 64, 64, pool, 128, 128, pool, 256, 256, FC 512, 512. */
export const cnv = (options: TopologyOptions = {}): tfl.Sequential =>
  new ModelBuilder(options, [32, 32, 3])
    .conv(64, 3)
    .conv(64, 3)
    .maxPool()
    .conv(128, 3)
    .conv(128, 3)
    .maxPool()
    .conv(256, 3)
    .conv(256, 3)
    .flatten()
    .dense(512)
    .dense(512)
    .classifier();

/** The TWN paper's LeNet-5 for 28x28x1: 32-C5, MP2, 64-C5, MP2, 512-FC. */
export const lenet5 = (options: TopologyOptions = {}): tfl.Sequential =>
  new ModelBuilder(options, [28, 28, 1]).conv(32, 5).maxPool().conv(64, 5).maxPool().flatten().dense(512).classifier();

/** The TWN paper's VGG-7 for 32x32x3: 2x128-C3, MP2, 2x256-C3, MP2, 2x512-C3, MP2, 1024-FC ('same' convs). */
export const vgg7 = (options: TopologyOptions = {}): tfl.Sequential =>
  new ModelBuilder(options, [32, 32, 3])
    .conv(128, 3, 'same')
    .conv(128, 3, 'same')
    .maxPool()
    .conv(256, 3, 'same')
    .conv(256, 3, 'same')
    .maxPool()
    .conv(512, 3, 'same')
    .conv(512, 3, 'same')
    .maxPool()
    .flatten()
    .dense(1024)
    .classifier();

/** He et al.'s CIFAR ResNets of 20, 32 and 56 layers (0.27 M, 0.47 M and 0.86 M parameters; resnet.ts). */
export const resnet20 = (options: TopologyOptions = {}): tfl.LayersModel => cifarResnet(20, options);
export const resnet32 = (options: TopologyOptions = {}): tfl.LayersModel => cifarResnet(32, options);
export const resnet56 = (options: TopologyOptions = {}): tfl.LayersModel => cifarResnet(56, options);

export const TOPOLOGIES = { tfc, sfc, lfc, cnv, lenet5, vgg7, resnet20, resnet32, resnet56 } as const;
export type TopologyName = keyof typeof TOPOLOGIES;

/** Builds a topology by name (the CLI's model option). */
export function buildModel(name: TopologyName, options: TopologyOptions = {}): tfl.LayersModel {
  const build = TOPOLOGIES[name];
  if (!build) throw new Error(`unknown model '${name}': expected one of ${Object.keys(TOPOLOGIES).join(', ')}`);
  return build(options);
}
