// @vitest-environment happy-dom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DropZone } from '../../renderer/src/components/DropZone.tsx';
import { KeepLocalToggle } from '../../renderer/src/components/KeepLocalToggle.tsx';
import { useUploads } from '../../renderer/src/stores/uploads.ts';
import { setup } from './helpers.tsx';

/** A drag event as the browser sends it for files from the desktop. */
function drag(type: string, files: File[], kinds = ['Files']): Event {
  const e = new Event(type, { bubbles: true, cancelable: true });
  // Each dropped file is also an item whose entry is a file (not a folder), as in a browser.
  const items = files.map((f) => ({ kind: 'file', webkitGetAsEntry: () => ({ isFile: true, isDirectory: false, name: f.name }) }));
  Object.defineProperty(e, 'dataTransfer', { value: { types: kinds, files, items, dropEffect: 'none' } });
  act(() => {
    document.body.dispatchEvent(e);
  });
  return e;
}

describe('DropZone', () => {
  it('shows the drop target while files are dragged over the window, and queues them on drop', async () => {
    const { bridge } = setup();
    render(<DropZone />);
    const overlay = screen.getByTestId('drop-overlay');
    expect(overlay.className).not.toContain('is-visible');

    const files = [new File(['a'], 'a.jpg', { type: 'image/jpeg' }), new File(['b'], 'b.pdf', { type: 'application/pdf' })];
    const enter = drag('dragenter', files);
    expect(enter.defaultPrevented).toBe(true);
    expect(overlay.className).toContain('is-visible');
    expect(screen.getByText('Drop to add to your Trove')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('Drop the files');
    // Moving over a child element: one more enter, one leave — still dragging.
    drag('dragenter', files);
    drag('dragleave', files);
    expect(overlay.className).toContain('is-visible');
    expect(drag('dragover', files).defaultPrevented).toBe(true);

    const drop = drag('drop', files);
    expect(drop.defaultPrevented).toBe(true);
    expect(overlay.className).not.toContain('is-visible');
    await act(async () => undefined);
    expect(bridge.addFiles).toHaveBeenCalledWith(files, { keepLocal: false });
    expect(useUploads.getState().panelOpen).toBe(true);
  });

  it('with "Keep on this device" on, says so on the target and adds the dropped files kept local', async () => {
    const { bridge } = setup();
    render(<><KeepLocalToggle /><DropZone /></>);
    const toggle = screen.getByRole<HTMLInputElement>('switch', { name: 'Keep on this device' });
    expect(toggle.checked).toBe(false);
    fireEvent.click(toggle);
    expect(toggle.checked).toBe(true);

    const files = [new File(['c'], 'passport.jpg', { type: 'image/jpeg' })];
    drag('dragenter', files);
    expect(screen.getByText('Kept on this device: no cloud AI model will see them')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Drop the files to add them to your Trove, kept on this device.');
    drag('drop', files);
    await act(async () => undefined);
    expect(bridge.addFiles).toHaveBeenLastCalledWith(files, { keepLocal: true });

    // Off again: the next files go as usual.
    fireEvent.click(toggle);
    drag('dragenter', files);
    expect(screen.queryByText('Kept on this device: no cloud AI model will see them')).toBeNull();
    drag('drop', files);
    await act(async () => undefined);
    expect(bridge.addFiles).toHaveBeenLastCalledWith(files, { keepLocal: false });
  });

  it('hides the target when the drag leaves the window', () => {
    setup();
    render(<DropZone />);
    drag('dragenter', []);
    expect(screen.getByTestId('drop-overlay').className).toContain('is-visible');
    drag('dragleave', []);
    expect(screen.getByTestId('drop-overlay').className).not.toContain('is-visible');
  });

  it('leaves drags of text and links alone', () => {
    const { bridge } = setup();
    render(<DropZone />);
    const e = drag('dragenter', [], ['text/plain']);
    expect(e.defaultPrevented).toBe(false);
    expect(screen.getByTestId('drop-overlay').className).not.toContain('is-visible');
    drag('drop', [], ['text/plain']);
    expect(bridge.addFiles).not.toHaveBeenCalled();
  });
});
