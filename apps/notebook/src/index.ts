export { startNotebookServer, type NotebookServer, type NotebookServerOptions } from './server/http_server';
export { NotebookSession, type SweepExecution } from './server/session';
export { CellError } from './server/cell_error';
export { cellFields } from './server/cell_fields';
export { CELLS, type CellName } from './protocol/cells';
export { CELL_RESULTS, EVENTS, checkNotebookFile, checkResult, type CellResults, type Events, type Field } from './protocol/messages';
export { MessageError } from './protocol/shapes';
export { clientDir } from './server/client_dir';
