export { seededRandom } from './random';
export { writeFileAtomic, moveFileAtomic, temporaryFile, AtomicWriteError, type AtomicWriteOptions } from './write_file_atomic';
export { makeFolders } from './make_folders';
