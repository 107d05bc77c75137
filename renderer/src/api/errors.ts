/**
 * The page's view of failures is the shared client core's: one ApiError typed by the error-code
 * catalog, and the same advice per code as the desktop app. Re-exported here for the stores.
 */
export { ApiError, isAbort } from '../../../shared/api/client/api-error.ts';
export { suggestedAction } from '../../../shared/api/client/actions.ts';
