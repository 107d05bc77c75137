/**
 * What makes POST /search's scores comparable across file types and where its default list stops
 * (issue 11, items 8 and 9). Fitted on the eval's dev set only, never on validation:
 *
 *   npm run eval -- --split dev --data-dir DIR   # a kept dev index
 *   npx tsx eval/calibrate.ts --data-dir DIR/dev # the scales, and the cut-off's effect on dev
 *
 * Fitted on 5 Dec 2026 on the dev index of the tree of 02:35 UTC (208 files, 143 queries).
 * eval/README.md gives the dev and validation effect of each.
 */
import type { RelevanceCutoff, SimilarityScale } from '../db/search-repo.ts';

/**
 * Per vector space (embedding model) and file type: the mean and spread (standard deviation) of the
 * cosine similarity between a query and a file of that type, over every dev query × every dev file
 * (USE-lite: 13 728 image pairs, 3 432 video, 9 152 audio, 3 289 document). Raw similarities are not
 * comparable across types: a picture's short description sits nearer to any query on average (0.229)
 * than a document's text does (0.171), while documents spread wider (0.136 against 0.096–0.106) and
 * reach the highest values (99th percentile 0.571 against 0.44–0.52). Within a space the vector ranker
 * orders its candidates by (similarity − mean) / spread, each file against its own kind.
 * On dev this changes no per-type figure (those searches hold one type) and moves mixed-type
 * queries by nDCG@10 −0.003, recall@10 +0.008, P@5 +0.006 (eval/README.md).
 * A space not listed here (a cloud embedder) ranks by raw similarity.
 */
export const SIMILARITY_SCALES: Readonly<Record<string, SimilarityScale>> = {
  'use-lite-512': {
    image: { mean: 0.2286, spread: 0.1024 },
    video: { mean: 0.1945, spread: 0.0962 },
    audio: { mean: 0.1919, spread: 0.1063 },
    document: { mean: 0.1706, spread: 0.1361 },
  },
};

/**
 * The default cut-off (RelevanceCutoff): a file with every word of the query stays; any other only
 * when its fused score (reciprocal-rank fusion) reaches this share of the best result's. Chosen on
 * dev as the largest share that costs no nDCG@10 overall or in any type: 0.45 keeps nDCG@10 and
 * recall@10 exactly and cuts the average list from 145 to 51 results; 0.5 cost nDCG −0.002 (video
 * −0.011), 0.55 −0.005 (video −0.022) for 43 and 33 results. Absolute bars on the calibrated
 * similarity (0.5–3 spreads above the type's mean, with or without some of the words) cost more at
 * every setting tried: the relevant files of a weak description (videos most) lie near their type's mean.
 * In a small library the bar keeps the few files nearest in meaning behind a strong match (about the
 * first seven of the ranked list); in a large one, files that neither ranker puts near the top.
 */
export const DEFAULT_CUTOFF: RelevanceCutoff = {
  minRelative: 0.45,
};
