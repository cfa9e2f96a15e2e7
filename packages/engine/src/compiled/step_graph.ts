// One training step as one ONNX graph, being written: the forward pass layer by layer, each layer
// leaving its backward pass on a tape, which `backward` then writes in reverse. Activations are
// channels-first ([N, C, H, W]) throughout, as onnxruntime's convolutions take them.
import type * as tfl from '@tensorflow/tfjs-layers';
import { float, GraphBuilder, type AttrValue, type FloatAttr } from '../ort/onnx_graph';

/** A trainable weight of the model as the graph holds it: its graph input and its gradient once written. */
export interface StepParameter {
  /** The graph input holding its value (ONNX layout). */
  name: string;
  dims: number[];
  /** Its gradient, written by the layer's backward pass. */
  grad?: string;
  /** A kernel's fixed pruning mask (a graph constant) and gradient clipping, from its KernelTraining. */
  mask?: string;
  clip?: number;
  /** The gradient of a regularized kernel's penalty, added to its loss gradient. */
  penaltyGradient?: string;
}

/** A kernel as its KernelTraining writes it: the value the layer computes with and, when regularized, the penalty on the float weights and its gradient. */
export interface KernelGraph {
  value: string;
  penalty?: { value: string; gradient: string };
}

/**
 * A kernel's graph value: its dims, and where its output channels are in them (weight i of channel
 * floor(i / inner) % count, row-major), for a quantizer's scale per channel.
 */
export interface KernelLayout {
  dims: number[];
  channels: { count: number; inner: number };
}

/**
 * How a weight layer's kernel trains: quantized in the forward and backward pass (its gradient
 * passing straight through to the float weights), pruned to a fixed mask, its gradient clipped.
 */
export interface KernelTraining {
  /** Writes the kernel's forward value (and penalty) from its float weights `w` (and the mask, when there is one); w itself where undefined. */
  write?: (graph: StepGraph, w: string, mask: string | undefined, layout: KernelLayout) => KernelGraph;
  /** 1 where the weight may be non-zero, in TF.js's layout: gradients and updated weights are multiplied by it. */
  mask?: Float32Array;
  /** The gradient is zeroed where |w| exceeds this. */
  clip?: number;
}

/** A value the step carries to the next besides the weights and the optimizer's state (StepGraph.state): where a selection resumes its search. */
export interface CarriedState {
  input: string;
  /** Its value before the first step. */
  initial: Float32Array;
  dims: number[];
  /** Its next value, once written. */
  output?: string;
}

/** Where a layer's output is: its value's name and shape (channels-first; the batch, shape[0], may be any size: -1). */
export interface Activation {
  value: string;
  shape: number[];
}

/** A layer's backward pass: the gradient of its output in, of its input out (undefined where nothing before needs it). */
type Backward = (gradient: string) => string | undefined;

/** The backward pass of a layer of several inputs (an addition): the gradient of each. */
type BackwardToEach = (gradient: string) => (string | undefined)[];

/** A layer on the tape: the values it reads and writes, and its backward passes in the order written. */
interface TapeLayer {
  inputs: string[];
  output: string;
  steps: Backward[];
  toEach?: BackwardToEach;
}

export class StepGraph {
  readonly b = new GraphBuilder();
  readonly parameters: StepParameter[] = [];
  /** The regularized kernels' penalties (scalars), summed into the step's `penalty` output. */
  readonly penalties: string[] = [];
  /** Scalars fed each step by name (a regularizer's strength on its schedule). */
  readonly scalarInputs = new Set<string>();
  /** Values carried from step to step that are not the model's (StepGraph.state). */
  readonly states: CarriedState[] = [];
  private readonly tape: TapeLayer[] = [];
  private recording?: Omit<TapeLayer, 'output'>;
  /** Values no gradient flows to (the model's input). */
  private readonly constants = new Set<string>();

  private randomOps = 0;
  private readonly kernelTraining?: (layer: tfl.layers.Layer) => KernelTraining | undefined;
  private readonly seed?: number;
  /**
   * An inference graph (compileForward): BatchNorm normalizes with its moving statistics, dropout
   * passes its input on, and the weights are not graph inputs (their values become initializers).
   */
  readonly inference: boolean;

  constructor(options: { kernelTraining?: (layer: tfl.layers.Layer) => KernelTraining | undefined; seed?: number; inference?: boolean } = {}) {
    this.kernelTraining = options.kernelTraining;
    this.seed = options.seed;
    this.inference = options.inference ?? false;
  }

  /** A random op's seed attribute: each op its own (two ops seeded alike would draw alike); none when the step is unseeded. */
  randomSeed(): { seed?: FloatAttr } {
    return this.seed === undefined ? {} : { seed: float(this.seed * 1000 + this.randomOps++) };
  }

  ints(values: number[]): string {
    return this.b.constInt64(values);
  }

  scalar(value: number): string {
    return this.b.constFloat([value], []);
  }

  op(type: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.b.op(type, inputs, attrs);
  }

  /** A scalar fed each step under `name` (CompiledTrainingStep.step's `scalars`). */
  scalarInput(name: string): string {
    if (!this.scalarInputs.has(name)) this.b.input(name, 'float32', []);
    this.scalarInputs.add(name);
    return name;
  }

  /**
   * A value carried from each step to the next (inside a run and across runs), starting at
   * `initial`; its next value is given with the returned `set` once written. Not the model's: it
   * is not written back, and a resumed run starts it afresh.
   */
  state(name: string, initial: Float32Array, dims: number[] = []): { input: string; set: (output: string) => void } {
    const state: CarriedState = { input: this.b.input(name, 'float32', dims), initial, dims };
    this.states.push(state);
    return { input: state.input, set: (output) => (state.output = output) };
  }

  /** A new trainable weight, a graph input of `dims` (in an inference graph, named for the initializer its value becomes). */
  parameter(dims: number[]): StepParameter {
    const parameter: StepParameter = { name: `w${this.parameters.length}`, dims };
    if (!this.inference) this.b.input(parameter.name, 'float32', dims);
    this.parameters.push(parameter);
    return parameter;
  }

  /**
   * The value a weight layer computes with for its kernel `p`: quantized (and regularized) when its
   * KernelTraining says so (`toGraph` converts its mask from TF.js's layout; `channels` says where
   * its output channels are in the graph's layout).
   */
  kernel(layer: tfl.layers.Layer, p: StepParameter, toGraph: (values: Float32Array) => Float32Array, channels: KernelLayout['channels']): string {
    const training = this.kernelTraining?.(layer);
    if (!training) return p.name;
    if (training.mask) p.mask = this.b.initializer(`${p.name}/mask`, 'float32', toGraph(training.mask), p.dims);
    p.clip = training.clip;
    if (!training.write) return p.name;
    const { value, penalty } = training.write(this, p.name, p.mask, { dims: p.dims, channels });
    if (penalty) {
      this.penalties.push(penalty.value);
      p.penaltyGradient = penalty.gradient;
    }
    return value;
  }

  /** Marks a value no gradient is taken for (the model's input): layers reading it write no input gradient. */
  constant(value: string): void {
    this.constants.add(value);
  }

  /** Whether a layer reading `value` must write its gradient. */
  needsGradient(value: string): boolean {
    return !this.constants.has(value);
  }

  /** Writes one layer's forward pass (`compile`), recording its backward passes on the tape against the values it reads and writes. */
  layer<T extends { output: Activation }>(inputs: Activation[], compile: () => T): T {
    this.recording = { inputs: inputs.map((i) => i.value), steps: [] };
    const compiled = compile();
    this.tape.push({ ...this.recording, output: compiled.output.value });
    this.recording = undefined;
    return compiled;
  }

  /** Records a backward pass of the layer being written (a weight layer's, then its activation's). */
  onBackward(backward: Backward): void {
    this.recording!.steps.push(backward);
  }

  /** Records the backward pass of a layer of several inputs, to each of them. */
  onBackwardToEach(backward: BackwardToEach): void {
    this.recording!.toEach = backward;
  }

  /**
   * Writes every recorded backward pass, last layer first, from the loss's gradient with respect to
   * `output`; a value read by several layers (a residual branch) gets the sum of their gradients.
   */
  backward(gradient: string, output: string): void {
    const pending = new Map<string, string[]>([[output, [gradient]]]);
    for (const layer of [...this.tape].reverse()) {
      const contributions = pending.get(layer.output);
      if (!contributions) continue;
      let g: string | undefined = contributions.length === 1 ? contributions[0] : this.op('Sum', contributions);
      for (const step of [...layer.steps].reverse()) g = g === undefined ? undefined : step(g);
      if (g === undefined) continue;
      const toInputs = layer.toEach ? layer.toEach(g) : [g];
      layer.inputs.forEach((input, i) => {
        const gi = toInputs[i];
        if (gi !== undefined && this.needsGradient(input)) pending.set(input, [...(pending.get(input) ?? []), gi]);
      });
    }
  }
}
