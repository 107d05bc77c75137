import { useState } from 'react';
import { ShareDialog } from './ShareDialog.tsx';
import type { ShareTarget } from './share-api.ts';

/** "Share link…" for one file or one collection; opens the ShareDialog. */
export function ShareButton({ target, name, small = false }: { target: ShareTarget; name: string; small?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={small ? 'button button-small button-quiet' : 'button'} onClick={() => setOpen(true)}>Share link…</button>
      {open && <ShareDialog target={target} name={name} onClose={() => setOpen(false)} />}
    </>
  );
}
