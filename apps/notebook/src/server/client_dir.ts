import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built page: dist/client beside the built server (dist/), or apps/notebook/dist/client from the sources. */
export const clientDir = (): string => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(here) === 'dist' ? path.join(here, 'client') : path.resolve(here, '../../dist/client');
};
