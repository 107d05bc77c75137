// @vitest-environment happy-dom
import { act, fireEvent, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Thumbnail } from '../../renderer/src/components/Thumbnail.tsx';
import { setup } from './helpers.tsx';

describe('Thumbnail', () => {
  it('asks for a fresh signed link once when the image fails (links expire after 5 minutes), then falls back to the type icon', async () => {
    const { api } = setup();
    api.fileUrl.mockResolvedValueOnce('/api/v1/blob?key=k&exp=2&sig=fresh');
    const { container } = render(<Thumbnail id="u1" url="/api/v1/blob?key=k&exp=1&sig=old" fileType="image" />);
    const img = container.querySelector('img')!;
    expect(img.getAttribute('src')).toBe('/api/v1/blob?key=k&exp=1&sig=old');

    await act(async () => {
      fireEvent.error(img);
    });
    expect(api.fileUrl).toHaveBeenCalledWith('u1', 'thumbnail', { fresh: true });
    expect(container.querySelector('img')!.getAttribute('src')).toBe('/api/v1/blob?key=k&exp=2&sig=fresh');

    await act(async () => {
      fireEvent.error(container.querySelector('img')!);
    });
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.thumb-placeholder.type-image svg')).not.toBeNull();
    expect(api.fileUrl).toHaveBeenCalledTimes(1);
  });

  it('shows a spinner while a file has no thumbnail yet', () => {
    setup();
    const { container } = render(<Thumbnail id="u2" url={null} fileType="video" pending />);
    expect(container.querySelector('.spinner')).not.toBeNull();
  });
});
