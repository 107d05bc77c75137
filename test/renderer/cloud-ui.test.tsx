// @vitest-environment happy-dom
/**
 * What the UI says about cloud AI: who described a file and where it stands (detail view), the
 * small badges for files waiting for budget or kept on this device (library, grid), Settings'
 * "AI usage this month" in every state, and the per-folder "keep on this device" setting.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Upload, Usage } from '../../shared/api/schemas.ts';
import { ApiError } from '../../renderer/src/api/errors.ts';
import { DetailDialog } from '../../renderer/src/components/DetailDialog.tsx';
import { LibraryView } from '../../renderer/src/components/LibraryView.tsx';
import { ResultCard } from '../../renderer/src/components/ResultCard.tsx';
import { SettingsView } from '../../renderer/src/components/SettingsView.tsx';
import { formatUsd } from '../../renderer/src/lib/cloud.ts';
import { fromUpload } from '../../renderer/src/lib/items.ts';
import { useDetail } from '../../renderer/src/stores/detail.ts';
import { useSession } from '../../renderer/src/stores/session.ts';
import { useSettings } from '../../renderer/src/stores/settings.ts';
import { deferred, setup, upload } from './helpers.tsx';

async function openDetail(u: Upload) {
  const { api } = setup();
  api.metadata.mockResolvedValue({ ...u, extracted_text: null });
  render(<DetailDialog />);
  await act(() => useDetail.getState().open(u.id));
  return screen.getByRole('dialog', { name: u.filename });
}

const aiSection = (dialog: HTMLElement) => within(dialog).getByRole('region', { name: 'AI description' });

describe('detail view: who described the file, and the cloud model', () => {
  it('Gemini wrote it: says so, with the file\'s AI cost', async () => {
    const dialog = await openDetail(upload({ filename: 'dog.jpg', summary: 'A dog on a beach.', analyzer: 'gemini', cloud_status: 'done', cost_usd: 0.000412 }));
    const ai = aiSection(dialog);
    expect(within(ai).getByText('Described by Gemini')).toBeTruthy();
    expect(within(ai).getByText('AI cost: $0.0004')).toBeTruthy();
    expect(within(ai).queryByTestId('cloud-note')).toBeNull();
  });

  it('an OpenAI-compatible model wrote it', async () => {
    const dialog = await openDetail(upload({ analyzer: 'openai-chat', cloud_status: 'done', cost_usd: 0.0021 }));
    expect(within(aiSection(dialog)).getByText('Described by an OpenAI-compatible model')).toBeTruthy();
    expect(within(aiSection(dialog)).getByText('AI cost: $0.0021')).toBeTruthy();
  });

  it('the embedded default: described offline, no cost line, nothing about the cloud', async () => {
    const dialog = await openDetail(upload({ analyzer: 'offline', cloud_status: 'not_configured', cost_usd: 0 }));
    const ai = aiSection(dialog);
    expect(within(ai).getByText('Described offline by Trove’s built-in models')).toBeTruthy();
    expect(within(ai).queryByText(/AI cost/)).toBeNull();
    expect(within(ai).queryByTestId('cloud-note')).toBeNull();
  });

  it('blocked: the server\'s reason, and that the offline description is shown', async () => {
    const reason = 'Gemini declined to describe this file: its safety filter stopped the answer (SAFETY: HARM_CATEGORY_DANGEROUS_CONTENT).';
    const dialog = await openDetail(upload({ analyzer: 'offline', cloud_status: 'blocked', cloud_reason: reason, cost_usd: 0.0001 }));
    const note = within(aiSection(dialog)).getByTestId('cloud-note');
    expect(note.textContent).toBe(`${reason} The offline description is shown.`);
    expect(note.className).toContain('tone-warning');
    expect(within(aiSection(dialog)).getByText('AI cost: $0.0001')).toBeTruthy();
  });

  it('failed, with and without a reason', async () => {
    let dialog = await openDetail(upload({ analyzer: 'offline', cloud_status: 'failed', cloud_reason: 'Gemini did not answer after 3 tries (HTTP 503)' }));
    expect(within(aiSection(dialog)).getByTestId('cloud-note').textContent).toBe('Gemini did not answer after 3 tries (HTTP 503). The offline description is shown.');
    cleanup();
    dialog = await openDetail(upload({ analyzer: 'offline', cloud_status: 'failed', cloud_reason: null }));
    expect(within(aiSection(dialog)).getByTestId('cloud-note').textContent).toBe('The cloud AI model could not describe this file. The offline description is shown.');
  });

  it('waiting for budget', async () => {
    const dialog = await openDetail(upload({ analyzer: 'offline', cloud_status: 'awaiting_budget', cloud_reason: 'The daily AI budget ($0.50) is spent ($0.5012 today).' }));
    const note = within(aiSection(dialog)).getByTestId('cloud-note');
    expect(note.textContent).toMatch(/^Waiting for AI budget — described offline for now\. The daily AI budget \(\$0\.50\) is spent/);
    expect(note.textContent).toContain('once budget is available again');
  });

  it('kept on this device: from the moment it was uploaded, before processing says so too', async () => {
    let dialog = await openDetail(upload({ analyzer: 'offline', cloud_status: 'kept_local', keep_local: true }));
    expect(within(aiSection(dialog)).getByTestId('cloud-note').textContent).toBe('Kept on this device — no cloud AI model sees this file.');
    cleanup();
    dialog = await openDetail(upload({ processing_status: 'processing', analyzer: null, cloud_status: null, keep_local: true }));
    expect(within(aiSection(dialog)).getByText('Kept on this device — no cloud AI model sees this file.')).toBeTruthy();
    expect(within(aiSection(dialog)).queryByText(/^Described/)).toBeNull();
  });

  it('a file not processed yet and not kept local has no AI section', async () => {
    const dialog = await openDetail(upload({ processing_status: 'pending', analyzer: null, cloud_status: null }));
    expect(within(dialog).queryByRole('region', { name: 'AI description' })).toBeNull();
  });
});

describe('costs as people read them', () => {
  it('formats small and large amounts', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.0004)).toBe('$0.0004');
    expect(formatUsd(0.000412)).toBe('$0.0004');
    expect(formatUsd(0.0125)).toBe('$0.0125');
    expect(formatUsd(0.1)).toBe('$0.10');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.000002)).toBe('$0.000002');
    expect(formatUsd(12.3456)).toBe('$12.35');
  });
});

describe('badges in lists', () => {
  it('the library shows "Waiting for AI budget" and "Kept on this device" in words next to the status', async () => {
    const { api } = setup();
    const waiting = upload({ filename: 'waiting.jpg', analyzer: 'offline', cloud_status: 'awaiting_budget' });
    const kept = upload({ filename: 'kept.jpg', analyzer: 'offline', cloud_status: 'kept_local', keep_local: true });
    const plain = upload({ filename: 'plain.jpg', analyzer: 'gemini', cloud_status: 'done' });
    api.listUploads.mockResolvedValue({ uploads: [waiting, kept, plain], total: 3, has_more: false });
    render(<LibraryView />);
    const row = async (name: string) => (await screen.findByRole('button', { name })).closest('tr')!;
    expect(within(await row('waiting.jpg')).getByText('Waiting for AI budget')).toBeTruthy();
    expect(within(await row('kept.jpg')).getByText('Kept on this device')).toBeTruthy();
    expect(within(await row('plain.jpg')).queryByText(/AI budget|on this device/)).toBeNull();
  });

  it('a grid card carries the short badge and says it in its accessible name', () => {
    setup();
    const item = fromUpload(upload({ filename: 'waiting.png', cloud_status: 'awaiting_budget' }), (u) => u);
    const keptItem = fromUpload(upload({ filename: 'kept.png', keep_local: true, cloud_status: null, processing_status: 'processing' }), (u) => u);
    render(<div role="grid"><div role="row">
      <ResultCard item={item} index={0} active onOpen={() => undefined} onFocusIndex={() => undefined} />
      <ResultCard item={keptItem} index={1} active={false} onOpen={() => undefined} onFocusIndex={() => undefined} />
    </div></div>);
    const card = screen.getByRole('gridcell', { name: 'waiting.png, Image, waiting for ai budget' });
    expect(within(card).getByText('Awaiting budget').closest('[title]')!.getAttribute('title')).toBe('Waiting for AI budget');
    const keptCard = screen.getByRole('gridcell', { name: 'kept.png, Image, processing, kept on this device' });
    expect(within(keptCard).getByText('On this device')).toBeTruthy();
  });
});

function usage(overrides: Partial<Usage> = {}): Usage {
  const zero = { input_tokens: 0, output_tokens: 0, cost_usd: 0, calls: 0 };
  return {
    from: '2026-03-01', to: '2026-03-18', total: zero, by_day: [], by_model: [], by_file_type: [],
    budget: { daily_usd: null, monthly_usd: null, spent_today_usd: 0, spent_this_month_usd: 0, awaiting_budget: 0 },
    prices_read: '2026-02-10', paid_models: [], ...overrides,
  };
}

describe('Settings: AI usage this month', () => {
  it('asks for the usage when Settings opens and shows totals, the budget, models, file types and the price date', async () => {
    const { api } = setup();
    api.usage.mockResolvedValue(usage({
      total: { input_tokens: 1_234_567, output_tokens: 45_678, cost_usd: 0.4321, calls: 812 },
      by_model: [
        { model: 'gemini-2.5-flash', input_tokens: 1_200_000, output_tokens: 45_678, cost_usd: 0.43, calls: 400 },
        { model: 'text-embedding-3-small', input_tokens: 34_567, output_tokens: 0, cost_usd: 0.0021, calls: 412 },
      ],
      by_file_type: [
        { file_type: 'image', input_tokens: 900_000, output_tokens: 30_000, cost_usd: 0.3, calls: 600 },
        { file_type: 'search', input_tokens: 2_000, output_tokens: 0, cost_usd: 0.00004, calls: 200 },
      ],
      budget: { daily_usd: 0.5, monthly_usd: null, spent_today_usd: 0.5012, spent_this_month_usd: 0.4321, awaiting_budget: 3 },
    }));
    render(<SettingsView />);
    const section = await screen.findByRole('group', { name: 'AI usage this month' });
    await within(section).findByText('$0.4321');
    expect(api.usage).toHaveBeenCalledTimes(1);
    const summary = section.querySelector('dl')!;
    const totals = (label: string) => within(summary).getByText(label).closest('div')!.querySelector('dd')!.textContent;
    expect(totals('Cost')).toBe('$0.4321');
    expect(totals('Tokens in')).toBe('1,234,567');
    expect(totals('Tokens out')).toBe('45,678');
    expect(totals('Calls')).toBe('812');
    expect(within(section).getByText('Daily budget: $0.5012 of $0.50 spent today — reached')).toBeTruthy();
    expect(within(section).getByRole('meter', { name: 'Daily budget: $0.5012 of $0.50 spent today' })).toBeTruthy();
    expect(within(section).getByText(/Monthly budget: no cap/)).toBeTruthy();
    expect(within(section).getByText(/3 files are waiting for AI budget/)).toBeTruthy();
    const byModel = within(section).getByRole('table', { name: 'By model' });
    expect(within(byModel).getByRole('row', { name: /gemini-2\.5-flash 400 1,200,000 45,678 \$0\.43/ })).toBeTruthy();
    const byType = within(section).getByRole('table', { name: 'By file type' });
    expect(within(byType).getByRole('rowheader', { name: 'Images' })).toBeTruthy();
    expect(within(byType).getByRole('row', { name: /Searches 200 2,000 0 \$0\.00004/ })).toBeTruthy();
    expect(within(section).getByText(/prices as of 2026-02-10/)).toBeTruthy();

    // Opening Settings again asks again (the month moves on).
    cleanup();
    render(<SettingsView />);
    await act(async () => undefined);
    expect(api.usage).toHaveBeenCalledTimes(2);
  });

  it('the embedded default: explains that everything is analysed on this device', async () => {
    const { api } = setup();
    api.usage.mockResolvedValue(usage({ paid_models: [] }));
    render(<SettingsView />);
    expect(await screen.findByText('No paid AI models are configured; everything is analysed on this device.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('a budget of zero with files waiting is not "all local"', async () => {
    const { api } = setup();
    api.usage.mockResolvedValue(usage({ paid_models: ['gemini-2.5-flash'], budget: { daily_usd: 0, monthly_usd: 0, spent_today_usd: 0, spent_this_month_usd: 0, awaiting_budget: 1 } }));
    render(<SettingsView />);
    expect(await screen.findByText(/1 file is waiting for AI budget/)).toBeTruthy();
    expect(screen.getByText('Daily budget: $0.00 of $0.00 spent today — reached')).toBeTruthy();
  });

  it('a failed request shows the reason and can be tried again', async () => {
    const { api } = setup();
    const again = deferred<Usage>();
    api.usage.mockRejectedValueOnce(new ApiError('SERVICE_UNAVAILABLE', 'The database is not answering.', 503)).mockReturnValueOnce(again.promise);
    render(<SettingsView />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('AI usage could not be loaded: The database is not answering. (SERVICE_UNAVAILABLE)');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await act(async () => again.resolve(usage({ paid_models: [] })));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText(/No paid AI models are configured/)).toBeTruthy();
  });

  it('an older server without the route: explains instead of failing', async () => {
    const { api } = setup();
    api.usage.mockRejectedValue(new ApiError('NOT_FOUND', 'No route GET /api/v1/usage.', 404));
    render(<SettingsView />);
    expect(await screen.findByText('This Trove server does not report AI usage.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('Settings: keep a watched folder on this device (desktop)', () => {
  it('shows the setting per folder, changes it, and adds new folders with it', async () => {
    const { api, bridge } = setup();
    api.usage.mockResolvedValue(usage({ paid_models: [] }));
    bridge.kind = 'electron';
    bridge.folders = [
      { path: '/home/me/Private', mirrorDeletions: false, keepLocal: true, scanned: 3, queued: 3, status: 'watching', error: null },
      { path: '/home/me/Photos', mirrorDeletions: true, keepLocal: false, scanned: 9, queued: 9, status: 'watching', error: null },
    ];
    useSession.setState({ bridgeKind: 'electron' });
    await act(() => useSettings.getState().load());
    render(<SettingsView />);
    const row = (p: string) => screen.getByText(p).closest('li')!;
    const keep = (p: string) => within(row(p)).getByRole<HTMLInputElement>('checkbox', { name: 'Keep on this device' });
    expect(keep('/home/me/Private').checked).toBe(true);
    expect(within(row('/home/me/Private')).getByText('No cloud AI model sees files from this folder')).toBeTruthy();
    expect(keep('/home/me/Photos').checked).toBe(false);

    await act(async () => {
      fireEvent.click(keep('/home/me/Photos'));
    });
    expect(bridge.setFolderKeepLocal).toHaveBeenCalledWith(expect.objectContaining({ path: '/home/me/Photos', mirrorDeletions: true }), true);
    expect(keep('/home/me/Photos').checked).toBe(true);
    expect(useSettings.getState().saved).toBe('Files from /home/me/Photos are kept on this device from now on.');

    const addRow = screen.getByRole('button', { name: 'Add folder…' }).parentElement!;
    fireEvent.click(within(addRow).getByRole('checkbox', { name: 'Keep on this device' }));
    await act(async () => {
      fireEvent.click(within(addRow).getByRole('button', { name: 'Add folder…' }));
    });
    expect(bridge.addWatchedFolder).toHaveBeenCalledWith({ mirrorDeletions: false, keepLocal: true });
  });
});
