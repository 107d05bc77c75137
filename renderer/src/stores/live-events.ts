/**
 * The one live event stream (GET /events) and where its events go. Events flow one way: from the
 * server to the bridge (whose queue may follow processing through them) and to the stores that
 * show uploads — the panel's stages, search results, the library, the open detail view.
 */
import { create } from 'zustand';
import type { UploadEvent } from '../../../shared/api/schemas.ts';
import type { StreamState } from '../api/sse.ts';
import { getServices } from '../services.ts';
import { useBatches } from './batches.ts';
import { useDetail } from './detail.ts';
import { useLibrary } from './library.ts';
import { useRecentlyDeleted } from './recently-deleted.ts';
import { useSelection } from './selection.ts';
import { useSearch } from './search.ts';
import { useUploads } from './uploads.ts';

/** Whether live updates are on (the header's dot, Settings). */
export const useLiveEvents = create<{ state: StreamState }>()(() => ({ state: 'closed' }));

let stream: { close(): void } | null = null;

function deliver(ev: UploadEvent): void {
  getServices().bridge.applyServerEvent(ev);
  useUploads.getState().applyEvent(ev);
  useBatches.getState().applyUploadEvent(ev);
  useSearch.getState().applyEvent(ev);
  useLibrary.getState().applyEvent(ev);
  useRecentlyDeleted.getState().applyEvent(ev);
  if (ev.deleted) useSelection.getState().drop([ev.upload_id]);
  useDetail.getState().applyEvent(ev);
}

/** Opens the stream with the API client's current server and token (a stream already open is replaced). */
export function openLiveEvents(): void {
  stream?.close();
  stream = getServices().api.events(deliver, (state) => useLiveEvents.setState({ state }), (ev) => useBatches.getState().applyBatchEvent(ev));
}

export function closeLiveEvents(): void {
  stream?.close();
  stream = null;
  useLiveEvents.setState({ state: 'closed' });
}
