import type * as ContextsModule from '../contexts/from-raw';
import type * as ConvertModule from '../convert';

// The converter (Babel, istanbul's map definitions) and the test-context collector load on first
// use: `monocov run` starts the tests first and loads them while the tests run.
export const convert = (): typeof ConvertModule => require('../convert');
export const contextsCollector = (): typeof ContextsModule => require('../contexts/from-raw');
