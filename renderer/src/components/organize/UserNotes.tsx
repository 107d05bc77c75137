import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { normaliseTag, type UploadCollections } from '../../../../shared/api/organize.ts';
import type { UploadDetail } from '../../api/client.ts';
import { ApiError } from '../../api/errors.ts';
import { useDetail } from '../../stores/detail.ts';
import { useOrganize } from '../../stores/organize.ts';
import { CloseIcon } from '../Icons.tsx';

type InCollection = UploadCollections['collections'][number];

/**
 * The owner's own words on a file, beside what the analyzer found: their tags (added with Enter,
 * removed with ×), one note, the collections it is in, and whether the analyzer's tags show.
 * Every change is saved at once and searchable by its words right away.
 */
export function UserNotes({ upload }: { upload: UploadDetail }) {
  const collections = useOrganize((s) => s.collections);
  const hideAnalyzerTags = useOrganize((s) => s.hideAnalyzerTags);
  const [tag, setTag] = useState('');
  const [note, setNote] = useState(upload.note ?? '');
  const [inCollections, setInCollections] = useState<InCollection[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!useOrganize.getState().loaded) void useOrganize.getState().load();
  }, []);

  useEffect(() => {
    setNote(upload.note ?? '');
    let live = true;
    void useOrganize.getState().collectionsOf(upload.id).then((c) => { if (live) setInCollections(c); }, () => undefined);
    return () => {
      live = false;
    };
  }, [upload.id, upload.note]);

  const run = async (fn: () => Promise<void>, done: string) => {
    setProblem(null);
    setSaved(null);
    try {
      await fn();
      setSaved(done);
    } catch (err) {
      setProblem(err instanceof ApiError ? err.message : 'That could not be saved; try again.');
    }
  };
  const annotate = (change: { user_tags?: string[]; note?: string | null }, done: string) => run(async () => {
    const next = await useOrganize.getState().annotate(upload.id, change);
    useDetail.setState((s) => (s.upload?.id === upload.id ? { upload: { ...s.upload, user_tags: next.user_tags, note: next.note } } : {}));
  }, done);

  const addTag = (e: FormEvent) => {
    e.preventDefault();
    const t = normaliseTag(tag);
    if (!t) {
      setProblem('A tag needs 1 to 50 characters.');
      return;
    }
    setTag('');
    if (!upload.user_tags.includes(t)) void annotate({ user_tags: [...upload.user_tags, t] }, `Tagged “${t}”.`);
  };
  const saveNote = () => {
    if (note.trim() === (upload.note ?? '')) return;
    void annotate({ note: note.trim() === '' ? null : note }, note.trim() === '' ? 'Note removed.' : 'Note saved.');
  };
  const onNoteKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      saveNote();
    }
  };
  const refreshCollections = async () => setInCollections(await useOrganize.getState().collectionsOf(upload.id));
  const available = collections.filter((c) => !inCollections.some((i) => i.id === c.id));

  return (
    <section aria-labelledby="detail-mine" className="user-notes">
      <h3 id="detail-mine">Your tags and note</h3>
      <ul className="tag-list" aria-label="Your tags">
        {upload.user_tags.map((t) => (
          <li key={t} className="tag tag-own">
            {t}
            <button type="button" className="tag-remove" aria-label={`Remove tag ${t}`}
              onClick={() => void annotate({ user_tags: upload.user_tags.filter((x) => x !== t) }, `Removed “${t}”.`)}>
              <CloseIcon size={12} />
            </button>
          </li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={addTag}>
        <input value={tag} onChange={(e) => setTag(e.target.value)} aria-label="Add a tag" placeholder="Add a tag" maxLength={60} />
        <button type="submit" className="button button-small" disabled={tag.trim() === ''}>Add</button>
      </form>
      <label className="field">
        <span>Note</span>
        <textarea value={note} onChange={(e) => setNote(e.target.value)} onBlur={saveNote} onKeyDown={onNoteKey} rows={3} maxLength={10_000}
          aria-label="Note" placeholder="Anything you want to remember about this file (searchable)" />
      </label>
      <button type="button" className="button button-small" onClick={saveNote} disabled={note.trim() === (upload.note ?? '')}>Save note</button>

      <h4 id="detail-collections">Collections</h4>
      <ul className="tag-list" aria-labelledby="detail-collections">
        {inCollections.map((c) => (
          <li key={c.id} className="tag tag-collection">
            {c.path}
            <button type="button" className="tag-remove" aria-label={`Remove from ${c.path}`}
              onClick={() => void run(async () => { await useOrganize.getState().removeFromCollection(c.id, [upload.id]); await refreshCollections(); }, `Removed from “${c.path}”.`)}>
              <CloseIcon size={12} />
            </button>
          </li>
        ))}
      </ul>
      {available.length > 0 && (
        <select aria-label="Add to collection" value="" onChange={(e) => {
          const target = collections.find((c) => c.id === e.target.value);
          if (target) void run(async () => { await useOrganize.getState().addToCollection(target.id, [upload.id]); await refreshCollections(); }, `Added to “${target.path}”.`);
        }}>
          <option value="">Add to collection…</option>
          {available.map((c) => <option key={c.id} value={c.id}>{c.path}</option>)}
        </select>
      )}
      <label className="check">
        <input type="checkbox" checked={!hideAnalyzerTags} onChange={(e) => void useOrganize.getState().setHideAnalyzerTags(!e.target.checked)} />
        Show the tags Trove found
      </label>
      <p className="visually-hidden" role="status">{saved ?? ''}</p>
      {saved && <p className="form-note" aria-hidden="true">{saved}</p>}
      {problem && <p className="form-error" role="alert">{problem}</p>}
    </section>
  );
}
