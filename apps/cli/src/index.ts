export { run, type Io } from './program';
export { CONFIG_SCHEMA_URL, configSchema } from './run_flags';
export { EXIT, UsageError } from './errors';
