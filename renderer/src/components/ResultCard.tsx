import { memo, useEffect, useRef, useState, type MouseEvent } from 'react';
import { cloudBadge } from '../lib/cloud.ts';
import { TYPE_LABELS, formatDate, type GridItem } from '../lib/items.ts';
import { mediaKey, useMedia } from '../stores/media.ts';
import { CloudBadge } from './CloudBadge.tsx';
import { MatchReasonLine } from './search/MatchReason.tsx';
import { MomentLine } from './search/MomentLine.tsx';
import { Thumbnail } from './Thumbnail.tsx';
import type { SelectHow } from './grid/useGridSelection.ts';

/** What a card tells the grid, by the card's index in it; a row of cards passes them through. */
export interface CardHandlers {
  onOpen: (index: number) => void;
  onFocusIndex: (index: number) => void;
}

interface ResultCardProps extends CardHandlers {
  item: GridItem;
  index: number;
  active: boolean;
  /** Multi-select (absent: the grid has none): whether this card is selected, and how to change it. */
  selected?: boolean | undefined;
  onSelect?: ((index: number, how: SelectHow) => void) | undefined;
}

const HOVER_DELAY_MS = 350;

/** One file in the grid: thumbnail, name, type; hovering a video plays its preview, muted. */
export const ResultCard = memo(function ResultCard({ item, index, active, onOpen, onFocusIndex, selected = false, onSelect }: ResultCardProps) {
  const [hovering, setHovering] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const previewUrl = useMedia((s) => (hovering && item.fileType === 'video' ? s.urls[mediaKey(item.id, 'preview')] : undefined));

  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (hovering && item.fileType === 'video' && item.status === 'completed') void useMedia.getState().resolve(item.id, 'preview');
  }, [hovering, item.id, item.fileType, item.status]);

  const enter = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setHovering(true), HOVER_DELAY_MS);
  };
  const leave = () => {
    clearTimeout(timer.current);
    setHovering(false);
  };
  const typeLabel = TYPE_LABELS[item.fileType].one;
  const processing = item.status === 'pending' || item.status === 'processing';
  const cloud = cloudBadge(item.cloudStatus, item.keepLocal);

  return (
    <div
      role="gridcell"
      data-index={index}
      tabIndex={active ? 0 : -1}
      aria-selected={onSelect ? selected : active}
      aria-label={`${item.filename}, ${typeLabel}${processing ? ', processing' : item.status === 'failed' ? ', failed' : ''}${cloud ? `, ${cloud.label.toLowerCase()}` : ''}`}
      className={`card${hovering ? ' is-hovering' : ''}${selected ? ' is-selected' : ''}`}
      title={item.summary ?? item.filename}
      onClick={(e: MouseEvent) => {
        e.preventDefault();
        onFocusIndex(index);
        // Ctrl/Cmd-click toggles and Shift-click extends the selection; a plain click still opens.
        if (onSelect && (e.ctrlKey || e.metaKey || e.shiftKey)) onSelect(index, e.shiftKey ? 'range' : 'toggle');
        else onOpen(index);
      }}
      onFocus={() => onFocusIndex(index)}
      onMouseEnter={enter}
      onMouseLeave={leave}
    >
      <div className="card-media">
        {onSelect && (
          <input type="checkbox" className="card-check" checked={selected} tabIndex={-1} aria-label={`Select ${item.filename}`}
            onClick={(e) => { e.stopPropagation(); onFocusIndex(index); onSelect(index, e.shiftKey ? 'range' : 'toggle'); }}
            onChange={() => undefined} />
        )}
        <Thumbnail id={item.id} url={item.thumbnailUrl} fileType={item.fileType} pending={processing} />
        {previewUrl && (
          <video className="card-preview" src={previewUrl} muted autoPlay loop playsInline aria-hidden="true" tabIndex={-1} />
        )}
        <span className={`badge badge-${item.fileType}`}>{typeLabel}</span>
        {item.status === 'failed' ? <span className="badge badge-failed">Failed</span> : cloud && <span className="card-cloud"><CloudBadge badge={cloud} short /></span>}
        {item.reason && <MatchReasonLine reason={item.reason} />}
      </div>
      <div className="card-meta">
        <span className="card-name">{item.filename}</span>
        <span className="card-sub">{processing ? 'Processing…' : formatDate(item.contentDate ?? item.createdAt)}</span>
        {item.moment && <MomentLine moment={item.moment} />}
      </div>
    </div>
  );
});
