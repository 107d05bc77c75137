import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ALL_LOCAL_TEXT, isAllLocal } from '../../../../shared/api/usage.ts';
import { useUsage } from '../../stores/usage.ts';
import { RetryIcon } from '../Icons.tsx';
import { UsageReport } from './UsageReport.tsx';

/** Settings: what the paid AI models cost this month, the budget, and what waits for it. */
export function UsageSection() {
  const { usage, loading, error, unsupported } = useUsage(useShallow((s) => ({ usage: s.usage, loading: s.loading, error: s.error, unsupported: s.unsupported })));
  const load = useUsage((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);

  let body;
  if (error) {
    body = (
      <>
        <p className="form-error" role="alert">AI usage could not be loaded: {error}</p>
        <button type="button" className="button button-small" onClick={() => void load()} disabled={loading}><RetryIcon size={14} />Try again</button>
      </>
    );
  } else if (unsupported) {
    body = <p className="muted">This Trove server does not report AI usage.</p>;
  } else if (!usage) {
    body = <p className="muted" role="status">{'Loading AI usage\u2026'}</p>;
  } else if (isAllLocal(usage)) {
    body = <p>{ALL_LOCAL_TEXT}</p>;
  } else {
    body = <UsageReport usage={usage} />;
  }
  return (
    <fieldset className="settings-card usage-section" aria-busy={loading}>
      <legend>AI usage this month</legend>
      <div>{body}</div>
    </fieldset>
  );
}
