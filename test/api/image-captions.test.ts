/**
 * A picture's own words through the API: the title, caption and keywords a photo manager wrote into
 * the file (XMP here, as Lightroom, digiKam and phones write it) are in its summary and tags and find
 * it; a camera's firmware name in the description field does not. Real server, real sharp/exifr,
 * the offline analyzer; runs in both modes (vitest.config.ts CLOUD_API_SUITES).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineAnalyzer } from '../../server/analysis/offline-analyzer.ts';
import type { SearchResponse } from '../../shared/api/schemas.ts';
import { acceptProcessed, postJson } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const xmp = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">`
  + '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Lighthouse at Hirtshals</rdf:li></rdf:Alt></dc:title>'
  + '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Storm clouds over the North Sea</rdf:li></rdf:Alt></dc:description>'
  + '<dc:subject><rdf:Bag><rdf:li>lighthouse</rdf:li><rdf:li>Denmark</rdf:li></rdf:Bag></dc:subject>'
  + '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';

const picture = (seed: number) => sharp({ create: { width: 80 + seed, height: 60, channels: 3, background: { r: 40 * seed, g: 90, b: 140 } } }).jpeg();

let s: TestServer;
let ids: Record<string, string>;

beforeAll(async () => {
  s = await startTestServer({ TROVE_EMBEDDER: 'hash' }, { analyzer: new OfflineAnalyzer() });
  ids = await acceptProcessed(s, [
    ['IMG_0412.jpg', await picture(1).withXmp(xmp).toBuffer()],
    ['IMG_0413.jpg', await picture(2).withExif({ IFD0: { ImageDescription: 'OLYMPUS DIGITAL CAMERA', Make: 'OLYMPUS' } }).toBuffer()],
  ]);
}, 120_000);

afterAll(() => s?.close());

const byWords = async (query: string) => {
  const res = await postJson<SearchResponse>(s, '/api/v1/search', { query });
  expect(res.status, JSON.stringify(res.body.error)).toBe(200);
  return res.body.data.results.filter((r) => r.reason?.by !== 'meaning').map((r) => r.upload_id);
};

describe("a picture's own title, caption and keywords", () => {
  it('are in the summary and the tags', async () => {
    const item = await s.waitForUpload(ids['IMG_0412.jpg']!);
    expect(item.summary).toContain("Titled 'Lighthouse at Hirtshals'.");
    expect(item.summary).toContain("Caption: 'Storm clouds over the North Sea'.");
    expect(item.tags).toEqual(expect.arrayContaining(['lighthouse', 'denmark']));
  });

  it('find it by words from each', async () => {
    for (const query of ['Hirtshals', 'storm clouds', 'North Sea', 'Denmark']) expect(await byWords(query), query).toEqual([ids['IMG_0412.jpg']]);
  });

  it("leave a camera's firmware name out", async () => {
    const item = await s.waitForUpload(ids['IMG_0413.jpg']!);
    expect(item.summary).not.toMatch(/olympus digital camera|caption/i);
    expect(await byWords('digital camera')).toEqual([]);
  });
});
