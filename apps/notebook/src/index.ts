export { startNotebookServer, type NotebookServer, type NotebookServerOptions } from './server/http_server';
export { NotebookSession, CellError } from './server/session';
export { CELLS, type CellName } from './server/cells';
export { clientDir } from './server/client_dir';
