export {
  initEngine,
  activeOrtBackend,
  BACKEND_CHOICES,
  DEFAULT_MIN_ORT_WORK,
  type BackendChoice,
  type BackendName,
  type EngineInfo,
  type EngineOptions,
} from './init_engine';
export { EngineError, OrtBindingError } from './errors';
export { OrtBackend, type OrtBackendOptions, type OrtBackendStats } from './ort/ort_backend';
export { checkOrtBinding } from './ort/ort_binding';
export { ortKernelConfigs } from './ort/register_ort_kernels';
