import { useEffect, useState } from 'react';
import { useDeletion } from '../stores/deletion.ts';

/** A short-lived confirmation ("Deleted …"), announced politely. */
export function Toast() {
  const lastDeleted = useDeletion((s) => s.lastDeleted);
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => {
    if (!lastDeleted) return;
    setShown(`Deleted \u201c${lastDeleted}\u201d.`);
    const t = setTimeout(() => {
      setShown(null);
      useDeletion.setState({ lastDeleted: null });
    }, 4000);
    return () => clearTimeout(t);
  }, [lastDeleted]);
  return (
    <div className={`toast${shown ? ' is-visible' : ''}`} role="status" aria-live="polite">
      {shown}
    </div>
  );
}
