/**
 * Limits of POST /uploads/batch, apart from the schemas so the page can import them without
 * TypeBox. A client with more ids sends several requests.
 */
export const MAX_BATCH_IDS = 500;
