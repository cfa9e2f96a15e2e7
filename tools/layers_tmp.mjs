import { readFileSync } from 'node:fs';
import { initEngine } from '@sparse-ternary/engine';
import { importOnnx } from '@sparse-ternary/onnx';
await initEngine({ backend: 'ort' });
const { model } = importOnnx(readFileSync(process.argv[2]));
for (const l of model.layers) console.log(l.getClassName(), l.name, JSON.stringify(l.getConfig()).slice(0, 200), l.inboundNodes[0]?.inboundLayers.map((x) => x.name));
