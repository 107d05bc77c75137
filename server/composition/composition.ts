/**
 * What one process chose for each outside resource, by name: logged at start-up (so an operator can
 * see what a configuration turned on) and returned by startServer (so a test per role can check it).
 */
export interface Composition {
  role: 'all' | 'api' | 'worker';
  database: 'pglite' | 'postgres';
  store: 'local' | 'gcs';
  /** Who signs download links: this server (HMAC), the bucket's key file (V4), or IAM signBlob behind this server's links. */
  links: 'hmac' | 'gcs-v4' | 'gcs-iam';
  /** The embedder's model name, and the one for files no paid model may see. */
  embedder: string;
  localEmbedder: string;
  events: 'in-process' | 'postgres' | 'redis';
  searchCache: 'memory' | 'redis' | 'none';
  limits: 'memory' | 'redis' | 'none';
  /** API roles: who signs users in. */
  auth?: 'local-token' | 'firebase';
  /** Worker roles: who describes files after the offline models. */
  analyzer?: 'gemini' | 'openai-chat' | 'offline';
}
