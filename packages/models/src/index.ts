export { buildModel, cnv, lenet5, lfc, resnet20, resnet32, resnet56, sfc, tfc, vgg7, TOPOLOGIES, type TopologyName } from './topologies';
export { type TopologyOptions } from './topology_options';
export { headFor, replaceHead, outputClasses, HeadError } from './replace_head';
export { copyLayer } from './layer_copy';
export { cifarResnet } from './resnet';
export { applyCopy, checkRebuildable, rebuildModel, RebuildError, type LayerRewrite } from './rebuild_model';
export { calibratedClip, hiddenActivations, quantizeActivations, type QuantizedActivations } from './quantize_activations';
