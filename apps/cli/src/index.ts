export { run, type Io } from './program';
export { DEFAULTS, type CompressConfig } from './compress_config';
export { EXIT, UsageError } from './errors';
