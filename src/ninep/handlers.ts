/** Every T-message the server answers, by spec name. */
import type { HandlerTable } from './context.js';
import { ioHandlers } from './handle-io.js';
import { miscHandlers } from './handle-misc.js';
import { nameHandlers } from './handle-names.js';
import { readdirHandlers } from './handle-readdir.js';
import { sessionHandlers } from './handle-session.js';
import { setattrHandlers } from './handle-setattr.js';
import { walkHandlers } from './handle-walk.js';

export function handlers(): HandlerTable {
  return {
    ...sessionHandlers,
    ...walkHandlers,
    ...setattrHandlers,
    ...ioHandlers,
    ...readdirHandlers,
    ...nameHandlers,
    ...miscHandlers,
  };
}
