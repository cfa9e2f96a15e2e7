// Jest's node environment runs tests in a separate V8 realm with its own typed-array classes,
// while native addons (onnxruntime-node) create typed arrays in Node's main realm, so
// `instanceof Float32Array` checks fail on their outputs in tests but never in production.
// This environment shares the main realm's binary classes with the tests.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
];

class SingleRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = SingleRealmEnvironment;
