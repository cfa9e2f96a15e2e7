// He et al. 2016's CIFAR ResNets (section 4.2): a 3x3 convolution of 16 filters, then three stages
// of n basic blocks each (16, 32 and 64 filters; the second and third start with stride 2), global
// average pooling and the classifier: 6n + 2 weight layers. A block is conv-BN-ReLU-conv-BN plus
// its shortcut, then ReLU. A shortcut that changes the shape is a 1x1 convolution of stride 2 with
// its BatchNorm (the paper's option B): an ordinary convolution for every backend (compiled step,
// exports, runtime, hardware cost), where option A's zero-padded channels would be a layer of its own.
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormalization } from '@sparse-ternary/engine';
import { scaled, type TopologyOptions } from './topology_options';

/** Builds the layers of one network in order, naming each after its place and seeding each initializer. */
class ResidualBuilder {
  private layers = 0;
  constructor(private readonly options: TopologyOptions) {}

  private seed(): number | undefined {
    return this.options.seed === undefined ? undefined : this.options.seed + this.layers++;
  }

  /** Convolution ('same' padding), then BatchNorm (unless turned off). */
  convBn(x: tfl.SymbolicTensor, filters: number, kernelSize: number, strides: number, name: string): tfl.SymbolicTensor {
    const conv = tfl.layers.conv2d({
      filters,
      kernelSize,
      strides,
      padding: 'same',
      useBias: this.options.bias ?? false,
      // He initialization, as the paper (and torchvision) initialize ResNets.
      kernelInitializer: tfl.initializers.heNormal({ seed: this.seed() }),
      name: `${name}_conv`,
    });
    const y = conv.apply(x) as tfl.SymbolicTensor;
    return this.options.batchNorm === false ? y : (batchNormalization({ name: `${name}_bn` }).apply(y) as tfl.SymbolicTensor);
  }

  relu(x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor {
    return tfl.layers.reLU({ name }).apply(x) as tfl.SymbolicTensor;
  }

  block(x: tfl.SymbolicTensor, filters: number, strides: number, name: string): tfl.SymbolicTensor {
    const branch = this.convBn(this.relu(this.convBn(x, filters, 3, strides, `${name}_1`), `${name}_relu1`), filters, 3, 1, `${name}_2`);
    const inFilters = x.shape[3] as number;
    const shortcut = strides !== 1 || inFilters !== filters ? this.convBn(x, filters, 1, strides, `${name}_shortcut`) : x;
    return this.relu(tfl.layers.add({ name: `${name}_add` }).apply([branch, shortcut]) as tfl.SymbolicTensor, `${name}_relu2`);
  }

  classifier(x: tfl.SymbolicTensor): tfl.SymbolicTensor {
    const pooled = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor;
    const dense = tfl.layers.dense({ units: this.options.classes ?? 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: this.seed() }), name: 'fc' });
    return dense.apply(pooled) as tfl.SymbolicTensor;
  }
}

/** The CIFAR ResNet of `depth` = 6n + 2 layers for 32x32x3 images (20, 32, 44, 56, 110, ...). */
export function cifarResnet(depth: number, options: TopologyOptions = {}): tfl.LayersModel {
  if (!Number.isInteger(depth) || depth < 8 || (depth - 2) % 6 !== 0) throw new Error(`a CIFAR ResNet has 6n + 2 layers (20, 32, 56, ...), not ${depth}`);
  const blocks = (depth - 2) / 6;
  const builder = new ResidualBuilder(options);
  const input = tfl.input({ shape: [32, 32, 3], name: 'input' });
  let x = builder.relu(builder.convBn(input, scaled(16, options), 3, 1, 'stem'), 'stem_relu');
  [16, 32, 64].forEach((filters, stage) => {
    for (let i = 0; i < blocks; i++) x = builder.block(x, scaled(filters, options), stage > 0 && i === 0 ? 2 : 1, `stage${stage + 1}_block${i + 1}`);
  });
  return tfl.model({ inputs: input, outputs: builder.classifier(x), name: `resnet${depth}` });
}
