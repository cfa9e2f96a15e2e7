export { seededRandom } from './random';
export { writeFileAtomic, moveFileAtomic, removeStaleTemporaries, temporaryFile, AtomicWriteError, type AtomicWriteOptions } from './write_file_atomic';
export { makeFolders } from './make_folders';
export { closestName, didYouMean } from './closest_name';
