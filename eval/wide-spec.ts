/**
 * The wide eval set (issue 11): which files of which pinned Debian and npm packages make it up, how
 * each is taken or derived, what it shows or says (the ground truth the grades were made from), and
 * the split. The split is by source package and fixed here: `dev` packages are where ranking and
 * thresholds may be tuned, `validation` packages are only ever reported.
 *
 * A derived file (speech, video, scan, handwriting) belongs to the package its content comes from;
 * every package it uses must be in the same split.
 */
import type { FileType } from '../shared/file-types.ts';

export type Split = 'dev' | 'validation';

export interface PackageSpec {
  name: string;
  kind: 'deb' | 'npm';
  version: string;
  split: Split;
  /** Summary of the package's copyright file; the file itself is in the package. */
  licence: string;
}

/** A path inside a package: `pkg:path`, or a bare path inside the entry's own package. */
type PkgPath = string;

export type Recipe =
  | { kind: 'copy'; from: PkgPath }
  /** A gzipped text file unpacked; at most `maxChars` characters. */
  | { kind: 'gunzip'; from: PkgPath; maxChars?: number }
  /** espeak-ng reads `text` (or the text of `from`, markup removed, `chars` characters from `start`) into an MP3. */
  | { kind: 'speech'; text?: string; from?: PkgPath; start?: string; chars?: number; title?: string }
  /** An H.264 clip of the pictures (a still shot of one, or a slideshow), with `audio` as its sound or silent. */
  | { kind: 'video'; images: PkgPath[]; audio?: PkgPath; narration?: string; seconds?: number }
  /** A page of the text photographed or scanned: a picture only, no text layer. */
  | { kind: 'scan'; from: PkgPath; start?: string; lines: number; format: 'pdf' | 'jpg' }
  /** A short note in a hand-drawn font (Humor Sans) on lined paper, photographed. */
  | { kind: 'handwriting'; text: string };

export interface WideSpec { pkg: string; type: FileType; recipe: Recipe; content: string }

export const PACKAGES: PackageSpec[] = [
  // dev
  { name: 'tuxpaint-stamps-default', kind: 'deb', version: '2022.06.04-1', split: 'dev', licence: 'GPL-2 (Tux Paint stamps: photos, drawings, sounds and spoken descriptions)' },
  { name: 'mate-backgrounds', kind: 'deb', version: '1.26.0-1', split: 'dev', licence: 'GPL-2+ and CC-BY-SA-4.0' },
  { name: 'lxde-common', kind: 'deb', version: '0.99.2-4', split: 'dev', licence: 'GPL-2+' },
  { name: 'oxygen-sounds', kind: 'deb', version: '4:5.27.5-2', split: 'dev', licence: 'LGPL-3.0-or-later' },
  { name: 'chromium-bsu-data', kind: 'deb', version: '0.9.16.1-3', split: 'dev', licence: 'Clarified-Artistic and Expat' },
  { name: 'pingus-data', kind: 'deb', version: '0.7.6-5.1', split: 'dev', licence: 'GPL-3+ (Pingus data)' },
  { name: 'doc-debian', kind: 'deb', version: '11.3+nmu1', split: 'dev', licence: 'Debian documents, free to copy (see the package copyright)' },
  { name: 'debian-reference-en', kind: 'deb', version: '2.100', split: 'dev', licence: 'GPL-2+' },
  { name: 'fortunes-min', kind: 'deb', version: '1:1.99.1-7.3', split: 'dev', licence: 'BSD-4-clause (fortune-mod data)' },
  { name: 'pdf-parse', kind: 'npm', version: '1.1.1', split: 'dev', licence: 'MIT (the package); test PDFs are published papers shipped as its fixtures' },
  // validation
  { name: 'plasma-workspace-wallpapers', kind: 'deb', version: '4:5.27.5-2', split: 'validation', licence: 'GPL-2+ (KDE wallpapers)' },
  { name: 'gnome-backgrounds', kind: 'deb', version: '43.1-1', split: 'validation', licence: 'CC-BY-SA-3.0 / GPL (GNOME backgrounds)' },
  { name: 'imagemagick-6-doc', kind: 'deb', version: '8:6.9.11.60+dfsg-1.6+deb12u16', split: 'validation', licence: 'ImageMagick licence' },
  { name: 'python-matplotlib-data', kind: 'deb', version: '3.6.3-1', split: 'validation', licence: 'matplotlib licence (PSF-style); sample images public domain' },
  { name: 'inkscape-tutorials', kind: 'deb', version: '1.2.2-2+deb12u1', split: 'validation', licence: 'GPL; some portions public domain' },
  { name: 'asymptote-doc', kind: 'deb', version: '2.85+ds-1', split: 'validation', licence: 'LGPL-3+ / GPL-3+' },
  { name: 'gnome-user-docs', kind: 'deb', version: '43.0-2', split: 'validation', licence: 'CC-BY-SA-3.0' },
  { name: 'neverball-data', kind: 'deb', version: '1.6.0+git20180603-3', split: 'validation', licence: 'GPL-2+' },
  { name: 'frozen-bubble-data', kind: 'deb', version: '2.212-11', split: 'validation', licence: 'GPL-2' },
  { name: 'yaru-theme-sound', kind: 'deb', version: '22.10.3-1', split: 'validation', licence: 'CC-BY-SA-4.0 / GPL-3.0+' },
  { name: 'deepin-sound-theme', kind: 'deb', version: '15.10.6-1', split: 'validation', licence: 'GPL-3+' },
  { name: 'sound-icons', kind: 'deb', version: '0.1-8', split: 'validation', licence: 'GPL-2+' },
  { name: 'texlive-latex-recommended-doc', kind: 'deb', version: '2022.20230122-3', split: 'validation', licence: 'LPPL and others (TeX Live documentation)' },
  // Tools used by both splits; they carry no content of their own.
  { name: 'fonts-humor-sans', kind: 'deb', version: '1.0-4', split: 'dev', licence: 'SIL OFL 1.1' },
];

/** Packages used as tools (a font) rather than as content; they may serve either split. */
export const TOOL_PACKAGES = new Set(['fonts-humor-sans']);

const TUX = 'usr/share/tuxpaint/stamps';
const tuxImage = (path: string, content: string): WideSpec =>
  ({ pkg: 'tuxpaint-stamps-default', type: 'image', recipe: { kind: 'copy', from: `${TUX}/${path}.png` }, content: `Tux Paint stamp (cut-out on a transparent background): ${content}` });
const tuxSound = (path: string, content: string): WideSpec =>
  ({ pkg: 'tuxpaint-stamps-default', type: 'audio', recipe: { kind: 'copy', from: `${TUX}/${path}.ogg` }, content: `Sound effect: ${content}` });
const tuxSpeech = (path: string, content: string): WideSpec =>
  ({ pkg: 'tuxpaint-stamps-default', type: 'audio', recipe: { kind: 'copy', from: `${TUX}/${path}_desc.ogg` }, content: `A recorded human voice saying '${content}'` });
const tuxPng = (path: string) => `tuxpaint-stamps-default:${TUX}/${path}.png`;
const tuxOgg = (path: string) => `tuxpaint-stamps-default:${TUX}/${path}.ogg`;
const copy = (pkg: string, type: FileType, from: string, content: string): WideSpec => ({ pkg, type, recipe: { kind: 'copy', from }, content });

const MATE = 'mate-backgrounds:usr/share/backgrounds/mate';
const PLASMA = (name: string, file: string) => `plasma-workspace-wallpapers:usr/share/wallpapers/${name}/contents/images/${file}`;
const IM = 'imagemagick-6-doc:usr/share/doc/imagemagick-6-common/html/images';
const ASY = 'asymptote-doc:usr/share/doc/asymptote';
const GHELP = 'gnome-user-docs:usr/share/help/C/gnome-help';
const TEX = 'texlive-latex-recommended-doc:usr/share/doc/texlive-doc/latex';
const FB = 'frozen-bubble-data:usr/share/games/frozen-bubble';
const strip = (p: string) => p.slice(p.indexOf(':') + 1);

export const WIDE: WideSpec[] = [
  // ───────────── dev: Tux Paint stamps (photos and drawings of animals, food, objects) ─────────────
  tuxImage('animals/birds/owl', 'an owl (photo)'),
  tuxImage('animals/birds/peacock', 'a peacock, a male peafowl with its colourful tail'),
  tuxImage('animals/birds/penguin', 'a penguin'),
  tuxImage('animals/birds/pink_flamingo', 'a pink flamingo'),
  tuxImage('animals/birds/rooster', 'a colourful rooster'),
  tuxImage('animals/birds/tucan', 'a toucan'),
  tuxImage('animals/fish/clownfish', 'a clownfish (orange and white fish)'),
  tuxImage('animals/fish/seahorse', 'a seahorse'),
  tuxImage('animals/insects/bee', 'a bee'),
  tuxImage('animals/amphibians/frog', 'a frog'),
  tuxImage('animals/mammals/apes/gorilla', 'a gorilla'),
  tuxImage('animals/mammals/aquatic/dolphin', 'a dolphin'),
  tuxImage('animals/mammals/bears/bear', 'a bear'),
  tuxImage('animals/mammals/bovines/cow', 'a cow'),
  tuxImage('animals/mammals/bovines/sheep_lamb', 'a baby sheep (a lamb)'),
  tuxImage('animals/mammals/camel/camel', 'a camel'),
  tuxImage('animals/mammals/cats/lion', 'a lion'),
  tuxImage('animals/mammals/cats/tiger', 'a tiger'),
  tuxImage('animals/mammals/dogs/dog', 'a dog'),
  tuxImage('animals/mammals/dogs/fox', 'a fox'),
  tuxImage('animals/mammals/elephant', 'an elephant'),
  tuxImage('animals/mammals/equines/zebra', 'a zebra'),
  tuxImage('animals/mammals/giraffe', 'a giraffe'),
  tuxImage('animals/mammals/rodents/squirrel', 'a squirrel'),
  tuxImage('animals/marsupials/kangaroo', 'a red kangaroo'),
  tuxImage('animals/marsupials/koala', 'a koala'),
  tuxImage('food/fruit/banana', 'a banana'),
  tuxImage('food/fruit/grapes', 'a bunch of grapes'),
  tuxImage('food/fruit/pineapple', 'a pineapple'),
  tuxImage('food/fruit/strawberry', 'a strawberry'),
  tuxImage('food/pizza', 'a quarter of pizza (a slice of pizza)'),
  tuxImage('food/vegetables/broccoli', 'broccoli'),
  tuxImage('food/vegetables/carrot', 'a carrot'),
  tuxImage('food/vegetables/tomato', 'a ripe red tomato'),
  tuxImage('hobbies/camera_35mm', 'a 35 mm film camera'),
  tuxImage('hobbies/music/string/violin', 'a violin'),
  tuxImage('hobbies/music/percussion/drumkit', 'a drum kit'),
  tuxImage('household/dishes/teapot', 'a teapot'),
  tuxImage('household/rubberduck', 'a yellow rubber duck'),
  tuxImage('sports/soccer', 'a soccer ball (football)'),
  tuxImage('plants/flowers/rose', 'a rose (flower)'),
  tuxImage('plants/trees/liberia-palm', 'a palm tree'),
  tuxImage('space/moon/moon_full', 'the full moon'),
  tuxImage('space/planets/6_saturn', 'Saturn, the planet with rings'),
  tuxImage('space/spacewalk', 'an astronaut making a spacewalk'),
  tuxImage('town/roadsigns/stop', 'a red Stop sign'),
  tuxImage('town/uk_post_box', 'a red UK post box'),
  tuxImage('vehicles/auto/beetle', 'a VW Beetle car'),
  tuxImage('vehicles/emergency/firetruck', 'a red fire truck'),
  tuxImage('vehicles/flight/planes/747', 'an airplane (a jumbo jet)'),
  tuxImage('vehicles/flight/balloon360', 'a hot air balloon'),
  tuxImage('people/fireman200b', 'a fireman (a firefighter in uniform)'),
  tuxSound('animals/mammals/bovines/cow', 'a cow mooing'),
  tuxSound('animals/mammals/dogs/dog', 'a dog barking'),
  tuxSound('animals/mammals/equines/horse', 'a horse neighing'),
  tuxSound('animals/mammals/pig', 'a pig grunting'),
  tuxSound('animals/mammals/bovines/sheep', 'a sheep bleating'),
  tuxSound('animals/mammals/elephant', 'an elephant trumpeting'),
  tuxSound('animals/mammals/cats/lion', 'a lion roaring'),
  tuxSound('animals/birds/rooster', 'a rooster crowing'),
  tuxSound('animals/birds/owl', 'an owl hooting'),
  tuxSound('animals/amphibians/frog', 'a frog croaking'),
  tuxSound('animals/insects/bee', 'a bee buzzing'),
  tuxSound('animals/birds/cuckoo', 'a cuckoo calling'),
  tuxSound('household/vacuum_cleaner', 'a vacuum cleaner running'),
  tuxSound('household/toilet', 'a toilet flushing'),
  tuxSound('household/kettle', 'an electric kettle boiling water'),
  tuxSound('household/tools/saw', 'sawing wood with a hand saw'),
  tuxSound('hobbies/music/string/violin', 'a violin playing'),
  tuxSound('hobbies/music/percussion/drumkit', 'a drum kit playing'),
  tuxSound('naturalforces/lightningbolt', 'thunder from a lightning bolt'),
  tuxSound('seasonal/newyears/fireworks', 'fireworks exploding'),
  tuxSound('vehicles/emergency/firetruck', 'a fire truck siren'),
  tuxSpeech('animals/marsupials/koala', 'A koala.'),
  tuxSpeech('animals/mammals/dogs/dog', 'A dog.'),
  tuxSpeech('animals/birds/owl', 'An owl.'),
  tuxSpeech('animals/mammals/elephant', 'An elephant.'),
  tuxSpeech('animals/birds/penguin', 'A penguin.'),
  tuxSpeech('animals/mammals/cats/tiger', 'A tiger.'),
  // ───────────── dev: MATE and LXDE backgrounds (nature photos, abstract art) ─────────────
  copy('mate-backgrounds', 'image', strip(`${MATE}/abstract/Elephants.jpg`), 'Colourful painting-like artwork of elephants in blues and reds, ornate and symmetrical'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/abstract/Silk.png`), 'Abstract grey wallpaper: soft silk-like curves'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/desktop/Float-into-MATE.png`), 'Blue abstract wallpaper with MATE logo circles floating upward'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/desktop/MATE-Stripes-Dark.png`), "Dark striped wallpaper with the MATE logo and the word 'MATE'"),
  copy('mate-backgrounds', 'image', strip(`${MATE}/desktop/Ubuntu-Mate-Cold-no-logo.png`), 'Blurred green and blue light on black, like an aurora'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/Aqua.jpg`), 'Macro photo of a water drop splashing into water, blue'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/Blinds.jpg`), 'Close-up of a bright green leaf with parallel veins'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/Dune.jpg`), 'Dune grass in the wind with the sea and blue sky behind'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/FreshFlower.jpg`), 'Close-up of an orange flower'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/Garden.jpg`), 'A red and orange marigold flower in a garden'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/GreenMeadow.jpg`), 'Close-up of fresh green grass blades'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/LadyBird.jpg`), 'A ladybird (ladybug) on a grass stem among small blue forget-me-not flowers'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/RainDrops.jpg`), 'Rain drops on green leaves'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/Storm.jpg`), 'Dark storm clouds over a flat landscape and a road'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/TwoWings.jpg`), 'Dandelion seeds (two fluffy seeds) in front of an orange blurred background'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/Wood.jpg`), 'Pale wood grain texture'),
  copy('mate-backgrounds', 'image', strip(`${MATE}/nature/YellowFlower.jpg`), 'Close-up of a yellow flower (like a gerbera or marigold)'),
  copy('lxde-common', 'image', 'usr/share/lxde/wallpapers/lxde_blue.jpg', 'Blue abstract wallpaper with swooshes and the LXDE logo'),
  // ───────────── dev: Oxygen desktop sounds, Chromium B.S.U. game sounds, Pingus voices ─────────────
  copy('oxygen-sounds', 'audio', 'usr/share/sounds/Oxygen-Im-Phone-Ring.ogg', 'Ring tone: an incoming phone call (KDE Oxygen sound theme)'),
  copy('oxygen-sounds', 'audio', 'usr/share/sounds/Oxygen-Sys-Log-In.ogg', 'Desktop log-in chime, short melody (KDE Oxygen)'),
  copy('oxygen-sounds', 'audio', 'usr/share/sounds/Oxygen-Sys-Log-Out.ogg', 'Desktop log-out chime (KDE Oxygen)'),
  copy('oxygen-sounds', 'audio', 'usr/share/sounds/Oxygen-Sys-Trash-Emptied.ogg', 'Sound of emptying the trash (KDE Oxygen)'),
  copy('oxygen-sounds', 'audio', 'usr/share/sounds/Oxygen-Im-New-Mail.ogg', 'New e-mail notification sound (KDE Oxygen)'),
  copy('oxygen-sounds', 'audio', 'usr/share/sounds/Oxygen-Sys-App-Error-Critical.ogg', 'Critical error alert sound (KDE Oxygen)'),
  copy('oxygen-sounds', 'audio', 'usr/share/sounds/Oxygen-Window-Close.ogg', 'Short whoosh when a window closes (KDE Oxygen)'),
  copy('oxygen-sounds', 'audio', 'usr/share/sounds/Oxygen-Sys-Warning.ogg', 'Warning alert sound (KDE Oxygen)'),
  copy('oxygen-sounds', 'audio', 'usr/share/sounds/Oxygen-K3B-Finish-Success.ogg', 'Success jingle when a CD burn finishes (KDE Oxygen, K3b)'),
  copy('oxygen-sounds', 'audio', 'usr/share/sounds/Oxygen-Im-Sms.ogg', 'Text message (SMS) notification sound (KDE Oxygen)'),
  copy('chromium-bsu-data', 'audio', 'usr/share/games/chromium-bsu/wav/music_menu.wav', 'Electronic game menu music, short loop (Chromium B.S.U. space shooter)'),
  copy('chromium-bsu-data', 'audio', 'usr/share/games/chromium-bsu/wav/music_game.wav', 'Electronic in-game music loop (Chromium B.S.U. space shooter)'),
  copy('chromium-bsu-data', 'audio', 'usr/share/games/chromium-bsu/wav/exploBig.wav', 'A big explosion (game sound effect)'),
  copy('chromium-bsu-data', 'audio', 'usr/share/games/chromium-bsu/wav/boom.wav', 'A boom, an explosion (game sound effect)'),
  copy('chromium-bsu-data', 'audio', 'usr/share/games/chromium-bsu/wav/life_lose.wav', 'Game sound for losing a life'),
  copy('pingus-data', 'audio', 'usr/share/games/pingus/data/sounds/letsgo.wav', "A cartoon voice saying 'Let's go!' (Pingus)"),
  copy('pingus-data', 'audio', 'usr/share/games/pingus/data/sounds/ohno.wav', "A cartoon voice saying 'Oh no!' (Pingus)"),
  copy('pingus-data', 'audio', 'usr/share/games/pingus/data/sounds/yipee.wav', "A cartoon voice cheering 'Yippee!' (Pingus)"),
  copy('pingus-data', 'audio', 'usr/share/games/pingus/data/sounds/goodidea.wav', "A cartoon voice saying 'Good idea!' (Pingus)"),
  copy('pingus-data', 'audio', 'usr/share/games/pingus/data/sounds/splash.wav', 'A splash into water (Pingus sound effect)'),
  copy('pingus-data', 'audio', 'usr/share/games/pingus/data/sounds/digger.wav', 'Digging sound (Pingus sound effect)'),
  // ───────────── dev: Debian documents, a reference manual, scientific papers, notes ─────────────
  { pkg: 'doc-debian', type: 'document', recipe: { kind: 'gunzip', from: 'usr/share/doc/debian/social-contract.txt.gz' }, content: 'The Debian Social Contract (plain text): Debian will remain 100% free, we will give back to the free software community, we will not hide problems; the Debian Free Software Guidelines' },
  { pkg: 'doc-debian', type: 'document', recipe: { kind: 'gunzip', from: 'usr/share/doc/debian/constitution.txt.gz' }, content: 'Constitution for the Debian Project (plain text): decision-making bodies, Project Leader, Technical Committee, developers, voting procedures' },
  { pkg: 'doc-debian', type: 'document', recipe: { kind: 'gunzip', from: 'usr/share/doc/debian/bug-reporting.txt.gz' }, content: 'How to report a bug in Debian using reportbug or e-mail (plain text): bug tracking system, package, severity' },
  { pkg: 'doc-debian', type: 'document', recipe: { kind: 'scan', from: 'usr/share/doc/debian/social-contract.txt.gz', start: '1. Debian will remain', lines: 40, format: 'pdf' }, content: 'Scanned page (no text layer) of the Debian Social Contract: Debian will remain 100% free, we will give back to the free software community' },
  { pkg: 'doc-debian', type: 'audio', recipe: { kind: 'speech', from: 'usr/share/doc/debian/social-contract.txt.gz', start: '1. Debian will remain', chars: 700, title: 'Debian Social Contract' }, content: 'Spoken (espeak-ng): the Debian Social Contract, Debian will remain 100% free, the Debian Free Software Guidelines' },
  copy('debian-reference-en', 'document', 'usr/share/debian-reference/debian-reference.en.pdf', 'Debian Reference manual (PDF, 261 pages): Debian system administration tutorials, package management with apt, system tips, network setup'),
  copy('pdf-parse', 'document', 'package/test/data/01-valid.pdf', 'Research paper: Trace-based Just-in-Time Type Specialization for Dynamic Languages (TraceMonkey, JavaScript JIT compiler, Mozilla; Gal, Eich et al.)'),
  copy('pdf-parse', 'document', 'package/test/data/02-valid.pdf', 'Research paper: Performance evaluation of a GaInP/GaAs solar cell structure with an AlGaAs tunnel junction (Solar Energy Materials & Solar Cells, 2015)'),
  copy('pdf-parse', 'document', 'package/test/data/04-valid.pdf', 'Medical research article: Acute effect of speed exercise on nitric oxide level of footballers (Turkish Journal of Medical Sciences, 2009)'),
  copy('pdf-parse', 'document', 'package/test/data/05-versions-space.pdf', "One-page PDF with a single line of nonsense text 'Dadfrtfjh,mgf v.0.01'"),
  { pkg: 'fortunes-min', type: 'image', recipe: { kind: 'handwriting', text: 'Bank error in your favor.\nCollect $200.' }, content: "Photo of a handwritten note on lined paper: 'Bank error in your favor. Collect $200.'" },
  { pkg: 'fortunes-min', type: 'image', recipe: { kind: 'handwriting', text: 'Are you sure the\nback door is locked?' }, content: "Photo of a handwritten note on lined paper: 'Are you sure the back door is locked?'" },
  { pkg: 'fortunes-min', type: 'image', recipe: { kind: 'handwriting', text: 'A gift of a flower will\nsoon be made to you.' }, content: "Photo of a handwritten note on lined paper: 'A gift of a flower will soon be made to you.'" },
  // ───────────── dev: clips made from the dev pictures and sounds ─────────────
  { pkg: 'tuxpaint-stamps-default', type: 'video', recipe: { kind: 'video', images: [tuxPng('animals/mammals/cats/lion')], audio: tuxOgg('animals/mammals/cats/lion') }, content: 'Clip: a still picture of a lion, with the sound of a lion roaring' },
  { pkg: 'tuxpaint-stamps-default', type: 'video', recipe: { kind: 'video', images: [tuxPng('animals/mammals/bovines/cow')], audio: tuxOgg('animals/mammals/bovines/cow') }, content: 'Clip: a cow, with the sound of mooing' },
  { pkg: 'tuxpaint-stamps-default', type: 'video', recipe: { kind: 'video', images: [tuxPng('animals/mammals/dogs/dog')], audio: tuxOgg('animals/mammals/dogs/dog') }, content: 'Clip: a dog, with barking' },
  { pkg: 'tuxpaint-stamps-default', type: 'video', recipe: { kind: 'video', images: [tuxPng('animals/birds/rooster')], audio: tuxOgg('animals/birds/rooster') }, content: 'Clip: a rooster, with the sound of a rooster crowing' },
  { pkg: 'tuxpaint-stamps-default', type: 'video', recipe: { kind: 'video', images: [tuxPng('animals/mammals/elephant'), tuxPng('animals/mammals/giraffe'), tuxPng('animals/mammals/equines/zebra')] }, content: 'Silent slideshow of safari animals: an elephant, a giraffe, a zebra' },
  { pkg: 'tuxpaint-stamps-default', type: 'video', recipe: { kind: 'video', images: [tuxPng('food/fruit/banana'), tuxPng('food/fruit/grapes'), tuxPng('food/fruit/pineapple'), tuxPng('food/fruit/strawberry')] }, content: 'Silent slideshow of fruit: a banana, grapes, a pineapple, a strawberry' },
  { pkg: 'tuxpaint-stamps-default', type: 'video', recipe: { kind: 'video', images: [tuxPng('food/vegetables/broccoli'), tuxPng('food/vegetables/carrot'), tuxPng('food/vegetables/tomato')], audio: 'chromium-bsu-data:usr/share/games/chromium-bsu/wav/music_game.wav' }, content: 'Slideshow of vegetables (broccoli, a carrot, a tomato) with electronic music' },
  { pkg: 'mate-backgrounds', type: 'video', recipe: { kind: 'video', images: [`${MATE}/nature/LadyBird.jpg`] }, content: 'Silent clip: a still shot of a ladybird on a grass stem among blue flowers' },
  { pkg: 'mate-backgrounds', type: 'video', recipe: { kind: 'video', images: [`${MATE}/nature/Storm.jpg`], audio: tuxOgg('naturalforces/lightningbolt') }, content: 'Clip: dark storm clouds over a landscape, with the sound of thunder' },
  { pkg: 'mate-backgrounds', type: 'video', recipe: { kind: 'video', images: [`${MATE}/nature/FreshFlower.jpg`, `${MATE}/nature/YellowFlower.jpg`, `${MATE}/nature/Garden.jpg`], audio: 'chromium-bsu-data:usr/share/games/chromium-bsu/wav/music_menu.wav' }, content: 'Slideshow of flowers (orange, yellow, a marigold) with electronic music' },
  { pkg: 'tuxpaint-stamps-default', type: 'video', recipe: { kind: 'video', images: [tuxPng('vehicles/emergency/firetruck')], audio: tuxOgg('vehicles/emergency/firetruck') }, content: 'Clip: a red fire truck, with a siren' },
  { pkg: 'tuxpaint-stamps-default', type: 'video', recipe: { kind: 'video', images: [tuxPng('vehicles/flight/planes/747'), tuxPng('vehicles/flight/balloon360')] }, content: 'Silent clip: an airplane, then a hot air balloon' },
  { pkg: 'mate-backgrounds', type: 'video', recipe: { kind: 'video', images: [`${MATE}/nature/Dune.jpg`, `${MATE}/nature/TwoWings.jpg`] }, content: 'Silent clip: dune grass by the sea, then dandelion seeds' },
  { pkg: 'tuxpaint-stamps-default', type: 'video', recipe: { kind: 'video', images: [tuxPng('space/planets/6_saturn'), tuxPng('space/moon/moon_full'), tuxPng('space/spacewalk')], narration: 'Saturn, the second largest planet in our solar system, and the one with the most rings. The full moon. An astronaut making a spacewalk!' }, content: 'Slideshow of Saturn, the full moon and an astronaut on a spacewalk, with a spoken description (espeak-ng)' },
  { pkg: 'tuxpaint-stamps-default', type: 'video', recipe: { kind: 'video', images: [tuxPng('animals/marsupials/koala'), tuxPng('animals/marsupials/kangaroo')], audio: `tuxpaint-stamps-default:${TUX}/animals/marsupials/koala_desc.ogg` }, content: "Clip: a koala and a kangaroo, a voice saying 'A koala.'" },

  // ───────────── validation: KDE Plasma wallpapers (photos and illustrations) ─────────────
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('Autumn', '2560x1600.jpg')), 'Painterly illustration of autumn: a big orange tree shedding leaves and a small girl on a green meadow'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('BytheWater', '2560x1600.jpg')), 'Wooden jetty planks by a lake, shallow focus, evening light'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('Canopee', '3840x2160.png')), 'Abstract geometric wallpaper: green, blue and yellow curved bands'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('ColdRipple', '2560x1600.jpg')), 'Black-and-white photo of a wooden pier reaching into a foggy lake'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('ColorfulCups', '2560x1600.jpg')), 'Many colourful plastic cups seen from above, pink and blue'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('DarkestHour', '2560x1600.jpg')), 'A lake at blue dusk with misty islands of trees reflected in still water'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('Elarun', '2560x1600.png')), 'Abstract dark blue wallpaper with light streaks'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('EveningGlow', '2560x1600.jpg')), 'Wooden rowing boats on a lake shore at sunset, mountains and dramatic clouds'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('FallenLeaf', '2560x1600.jpg')), 'Fallen autumn maple leaves on the ground, golden light'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('FlyingKonqui', '2560x1600.png')), 'Cartoon illustration: Konqi, the green KDE dragon, flying over blue bubbles'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('Grey', '2560x1600.jpg')), 'Black-and-white photo of modern architecture: a curved wavy building facade'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('IceCold', '5120x2880.png')), 'Abstract blue wallpaper with white hexagon shapes like ice floes'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('Kite', '2560x1600.jpg')), 'A colourful kite flying high in a blue sky with white clouds'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('MilkyWay', '1080x1920.png')), 'Abstract dark purple wallpaper with glowing orange dots in a band'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('OneStandsOut', '2560x1600.jpg')), 'Aerial view of many green spiky plants with one orange plant standing out'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('PastelHills', '3200x2000.jpg')), 'Abstract pastel low-poly hills, peach and turquoise'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('Path', '2560x1600.jpg')), 'A narrow path through a dark green forest of tall trees'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('SafeLanding', '1622x2880.jpg')), 'Illustration: a red cartoon rocket landed on a colourful hill with mountains behind'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('Volna', '5120x2880.jpg')), 'Aerial view of a sandy beach with a turquoise wave and white foam'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('summer_1am', '2560x1600.jpg')), 'A calm lake at dusk under a purple and pink sky, reeds on the right'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('Altai', '1080x1920.png')), 'Low-poly illustration of snowy mountains reflected in a blue lake'),
  copy('plasma-workspace-wallpapers', 'image', strip(PLASMA('Kokkini', '3840x2160.png')), 'Abstract wallpaper: red sky over blue layered waves'),
  // ───────────── validation: GNOME backgrounds, ImageMagick, matplotlib, Inkscape pictures ─────────────
  copy('gnome-backgrounds', 'image', 'usr/share/backgrounds/gnome/adwaita-l.webp', 'Abstract blue wallpaper of translucent hexagonal shapes'),
  copy('gnome-backgrounds', 'image', 'usr/share/backgrounds/gnome/grid-l.webp', 'Golden mosaic grid of small glowing squares'),
  copy('gnome-backgrounds', 'image', 'usr/share/backgrounds/gnome/licorice-l.webp', 'Pattern of colourful candy-like shapes on a grey background'),
  copy('gnome-backgrounds', 'image', 'usr/share/backgrounds/gnome/pixels-l.webp', 'Pixel-art scene on a beige background: tiny objects, plants and a globe scattered on a desk'),
  copy('gnome-backgrounds', 'image', 'usr/share/backgrounds/gnome/truchet-l.webp', 'Orange Truchet tile pattern of curved shapes'),
  copy('gnome-backgrounds', 'image', 'usr/share/backgrounds/gnome/wood-l.webp', 'Brown wooden planks texture, vertical stripes'),
  copy('imagemagick-6-doc', 'image', `${strip(IM)}/rose.jpg`, 'Close-up photo of a red rose (small, low resolution)'),
  copy('imagemagick-6-doc', 'image', `${strip(IM)}/wizard.jpg`, 'Cartoon drawing of a wizard in a blue robe and hat sitting at a drafting table, painting a picture'),
  copy('imagemagick-6-doc', 'image', `${strip(IM)}/logo.jpg`, "ImageMagick logo: a cartoon wizard with a wand and the words 'Image Magick'"),
  copy('imagemagick-6-doc', 'image', `${strip(IM)}/bluebells_darker.jpg`, 'Photo of purple bluebell flowers in a wood'),
  copy('imagemagick-6-doc', 'image', `${strip(IM)}/configure.jpg`, "Screenshot of a Windows dialog: 'Welcome to the ImageMagick configuration tool' with Next and Cancel buttons"),
  copy('python-matplotlib-data', 'image', 'usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg', 'Portrait photo of Rear Admiral Grace Hopper, computer scientist, in US Navy uniform, US flag behind her'),
  copy('python-matplotlib-data', 'image', 'usr/share/matplotlib/mpl-data/sample_data/Minduka_Present_Blue_Pack.png', 'Clip-art illustration of a blue gift box (a present) with a white ribbon bow'),
  copy('python-matplotlib-data', 'image', 'usr/share/matplotlib/mpl-data/sample_data/logo2.png', "The matplotlib logo: a polar chart and the word 'matplotlib'"),
  copy('inkscape-tutorials', 'image', 'usr/share/inkscape/tutorials/oldguitar.jpg', "Reproduction of Picasso's painting The Old Guitarist (blue period): a thin old man playing a guitar"),
  copy('inkscape-tutorials', 'image', 'usr/share/inkscape/tutorials/tux.png', 'Tux, the Linux penguin mascot (drawing)'),
  copy('inkscape-tutorials', 'image', 'usr/share/inkscape/tutorials/potrace.png', "Screenshot of Inkscape's Trace Bitmap dialog (brightness cutoff, threshold options)"),
  copy('inkscape-tutorials', 'image', 'usr/share/inkscape/tutorials/pixelart-dialog.png', "Screenshot of Inkscape's Trace Pixel Art dialog (heuristics, curves, islands, sparse pixels)"),
  // ───────────── validation: scientific figures (Asymptote) ─────────────
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/GaussianSurface.png`, 'Scientific figure: a 3D Gaussian surface (bell-shaped hill) over the x-y plane, wireframe'),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/helix.png`, 'Scientific figure: a 3D helix (spiral) inside a red box with axes'),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/mexicanhat.png`, 'Plot: the Mexican hat wavelet curve with red data points'),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/histogram.png`, 'Histogram: red bars of a normal distribution with a fitted bell curve'),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/vectorfield.png`, 'Vector field plot: black arrows on a grid'),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/flowchartdemo.png`, "Flowchart diagram: Start, a 'Choice?' decision with Yes/No branches, 'Do something', End"),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/Bode.png`, 'Bode plot (engineering): magnitude and phase curves on logarithmic axes'),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/westnile.png`, 'Epidemiology graph: bird survival versus initial number of mosquitoes per bird (West Nile virus), annotated steps'),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/diatom.png`, 'Scientific chart of diatom species abundance versus depth in a lake core (stratigraphic diagram)'),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/CDlabel.png`, "A green CD label design with the word 'Asymptote' and 'The Vector Graphics Language'"),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/cube.png`, 'Line drawing of a unit cube with labelled vertices (0,0,1), (1,0,0), (0,1,0)'),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/triangulate.png`, 'Delaunay triangulation: a mesh of triangles over random red points'),
  copy('asymptote-doc', 'image', `${strip(ASY)}/html/imagecontour.png`, 'Contour plot: a colour heat map of f(x,y) with contour lines and a colour bar'),
  copy('asymptote-doc', 'image', `${strip(ASY)}/examples/piicon.png`, 'A 3D rendered pi symbol made of blue tubes with gold hooks'),
  // ───────────── validation: GNOME help figures (screenshots and one photo) ─────────────
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/color-camera.png`, 'Photo of a robin (small bird with an orange breast) sitting on a frosty wall'),
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/shell-exit-classic.png`, 'Screenshot of the GNOME system menu: battery 50 %, volume and brightness sliders, Wi-Fi, Night Light, Dark Mode, Airplane Mode'),
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/input-methods-switcher.png`, 'Screenshot of the keyboard language switcher: English (US), Russian, Arabic, Japanese (Anthy)'),
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/color-average.png`, 'Illustration: three computer monitors divided by three equals one monitor (averaging colour profiles)'),
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/shell-appts.png`, 'Screenshot of the GNOME notification list and calendar (September) with appointments and weather, dark theme'),
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/shell-workspaces.png`, 'Screenshot of the GNOME activities overview with workspaces and a search box'),
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/shell-activities-dash.png`, 'Screenshot of the GNOME dash: a row of application icons in a dock'),
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/screenshot-tool.png`, 'Screenshot of the GNOME screenshot tool: a selection rectangle and capture buttons'),
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/color-space.png`, 'Diagram of three colour gamut triangles on rainbow colour spaces'),
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/nautilus-icons.png`, "Screenshot of file icons: 'Screencast from 2022-08-27' (webm) and 'Screenshot from 2022-08-27' (png)"),
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/shell-top-bar.png`, "Screenshot of the GNOME top bar: 'Activities', the date and time Aug 27 20:43, status icons"),
  copy('gnome-user-docs', 'image', `${strip(GHELP)}/figures/shell-appmenu-shell.png`, "Screenshot of the Terminal application menu: Open Windows, New Window, Preferences, Show Details, Quit"),
  // ───────────── validation: game graphics ─────────────
  copy('neverball-data', 'image', 'usr/share/games/neverball/shot-hard/frogger.jpg', 'Screenshot of a 3D ball game level (Neverball): a checkered yellow and green board on a red background'),
  copy('neverball-data', 'image', 'usr/share/games/neverball/shot-hard/pyramid.jpg', 'Screenshot of a 3D ball game level (Neverball): a red stepped pyramid on green'),
  copy('neverball-data', 'image', 'usr/share/games/neverball/shot-hard/spiralin.jpg', 'Screenshot of a 3D ball game level (Neverball): a grey spiral in starry space'),
  copy('neverball-data', 'image', 'usr/share/games/neverball/shot-hard/hallways.jpg', 'Screenshot of a 3D ball game level (Neverball): a long orange checkered hallway'),
  copy('frozen-bubble-data', 'image', `${strip(FB)}/gfx/back_paused.png`, "Game screen of Frozen Bubble: 'PAUSE' over two cartoon penguins"),
  copy('frozen-bubble-data', 'image', `${strip(FB)}/gfx/win_panel_p1_net.png`, "Frozen Bubble panel: 'Winner' written on wood with a purple cartoon penguin"),
  // ───────────── validation: desktop sounds (Yaru, Deepin), sound icons, game music and sounds ─────────────
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/bell.oga', 'A short bell sound (Yaru desktop sound theme)'),
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/desktop-login.oga', 'Desktop log-in melody, 4 s (Yaru)'),
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/desktop-logoff.oga', 'Desktop log-off melody, 4 s (Yaru)'),
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/system-ready.oga', 'System start-up / ready melody, 4 s (Yaru)'),
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/message-new-email.oga', 'New e-mail notification sound (Yaru)'),
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/dialog-error.oga', 'Error alert sound (Yaru)'),
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/trash-empty.oga', 'Sound of emptying the trash (Yaru)'),
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/battery-low.oga', 'Battery low warning sound (Yaru)'),
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/complete.oga', 'Task complete notification sound (Yaru)'),
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/device-added.oga', 'Sound when a USB device is plugged in (Yaru)'),
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/message-new-instant.oga', 'Instant message (chat) notification sound (Yaru)'),
  copy('yaru-theme-sound', 'audio', 'usr/share/sounds/Yaru/stereo/power-plug.oga', 'Sound when the power cable is plugged in (Yaru)'),
  copy('deepin-sound-theme', 'audio', 'usr/share/sounds/deepin/stereo/camera-shutter.wav', 'A camera shutter click (Deepin sound theme)'),
  copy('deepin-sound-theme', 'audio', 'usr/share/sounds/deepin/stereo/desktop-login.wav', 'Desktop log-in music, 7 s (Deepin)'),
  copy('deepin-sound-theme', 'audio', 'usr/share/sounds/deepin/stereo/system-shutdown.wav', 'System shutdown melody, 4 s (Deepin)'),
  copy('deepin-sound-theme', 'audio', 'usr/share/sounds/deepin/stereo/trash-empty.wav', 'Sound of emptying the trash, crumpling (Deepin)'),
  copy('deepin-sound-theme', 'audio', 'usr/share/sounds/deepin/stereo/complete-print.wav', 'Printing finished notification sound (Deepin)'),
  copy('deepin-sound-theme', 'audio', 'usr/share/sounds/deepin/stereo/screen-capture.wav', 'Screenshot capture sound (Deepin)'),
  copy('deepin-sound-theme', 'audio', 'usr/share/sounds/deepin/stereo/dialog-error-critical.wav', 'Critical error alert sound (Deepin)'),
  copy('deepin-sound-theme', 'audio', 'usr/share/sounds/deepin/stereo/message.wav', 'Message notification sound (Deepin)'),
  copy('deepin-sound-theme', 'audio', 'usr/share/sounds/deepin/stereo/suspend-resume.wav', 'Sound when the computer wakes from suspend (Deepin)'),
  copy('deepin-sound-theme', 'audio', 'usr/share/sounds/deepin/stereo/desktop-logout.wav', 'Desktop log-out melody (Deepin)'),
  copy('sound-icons', 'audio', 'usr/share/sounds/sound-icons/piano-3.wav', 'A short piano note'),
  copy('sound-icons', 'audio', 'usr/share/sounds/sound-icons/guitar-12.wav', 'A short guitar chord'),
  copy('sound-icons', 'audio', 'usr/share/sounds/sound-icons/trumpet-1.wav', 'A short trumpet phrase'),
  copy('sound-icons', 'audio', 'usr/share/sounds/sound-icons/violoncello-7.wav', 'A short cello (violoncello) phrase'),
  copy('sound-icons', 'audio', 'usr/share/sounds/sound-icons/xylofon.wav', 'A xylophone run, 2 s'),
  copy('sound-icons', 'audio', 'usr/share/sounds/sound-icons/canary-long.wav', 'A canary bird chirping'),
  copy('sound-icons', 'audio', 'usr/share/sounds/sound-icons/glass-water-1.wav', 'Tapping a glass of water (clink)'),
  copy('sound-icons', 'audio', 'usr/share/sounds/sound-icons/cockchafer-gentleman-1.wav', 'A beetle (cockchafer) buzz'),
  copy('sound-icons', 'audio', 'usr/share/sounds/sound-icons/electric-piano-3.wav', 'An electric piano phrase'),
  copy('sound-icons', 'audio', 'usr/share/sounds/sound-icons/percussion-28.wav', 'A short percussion hit (drum)'),
  copy('frozen-bubble-data', 'audio', `${strip(FB)}/snd/frozen-mainzik-1p.ogg`, 'Instrumental game music, 5 minutes (Frozen Bubble main theme, one player)'),
  copy('frozen-bubble-data', 'audio', `${strip(FB)}/snd/introzik.ogg`, 'Instrumental game music, 3 minutes (Frozen Bubble intro theme)'),
  copy('frozen-bubble-data', 'audio', `${strip(FB)}/snd/frozen-mainzik-2p.ogg`, 'Instrumental game music, 3 minutes (Frozen Bubble two-player theme)'),
  copy('frozen-bubble-data', 'audio', `${strip(FB)}/snd/applause.ogg`, 'Applause, a crowd clapping'),
  copy('frozen-bubble-data', 'audio', `${strip(FB)}/snd/snore.ogg`, 'Someone snoring'),
  copy('frozen-bubble-data', 'audio', `${strip(FB)}/snd/typewriter.ogg`, 'A typewriter key click'),
  copy('frozen-bubble-data', 'audio', `${strip(FB)}/snd/lose.ogg`, 'Game sound for losing'),
  copy('frozen-bubble-data', 'audio', `${strip(FB)}/snd/destroy_group.ogg`, 'Bubbles popping (game sound effect)'),
  // ───────────── validation: speech (espeak-ng reading help pages and the Asymptote FAQ) ─────────────
  { pkg: 'gnome-user-docs', type: 'audio', recipe: { kind: 'speech', from: `${strip(GHELP)}/shell-exit.page`, start: '<title>', chars: 700, title: 'Log out, power off or switch users' }, content: 'Spoken (espeak-ng): GNOME help on how to log out, power off or switch users' },
  { pkg: 'gnome-user-docs', type: 'audio', recipe: { kind: 'speech', from: `${strip(GHELP)}/screen-shot-record.page`, start: '<title>', chars: 700 }, content: 'Spoken (espeak-ng): GNOME help on taking screenshots and recording screencasts' },
  { pkg: 'gnome-user-docs', type: 'audio', recipe: { kind: 'speech', from: `${strip(GHELP)}/net-wireless-connect.page`, start: '<title>', chars: 700 }, content: 'Spoken (espeak-ng): GNOME help on connecting to a wireless (Wi-Fi) network' },
  { pkg: 'gnome-user-docs', type: 'audio', recipe: { kind: 'speech', from: `${strip(GHELP)}/power-batterylife.page`, start: '<title>', chars: 700, title: 'Use less power and improve battery life' }, content: 'Spoken (espeak-ng): GNOME help on using less power and improving battery life' },
  { pkg: 'gnome-user-docs', type: 'audio', recipe: { kind: 'speech', from: `${strip(GHELP)}/bluetooth-connect-device.page`, start: '<title>', chars: 700 }, content: 'Spoken (espeak-ng): GNOME help on connecting a Bluetooth device' },
  { pkg: 'gnome-user-docs', type: 'audio', recipe: { kind: 'speech', from: `${strip(GHELP)}/files-delete.page`, start: '<title>', chars: 700 }, content: 'Spoken (espeak-ng): GNOME help on deleting files and folders (the trash)' },
  { pkg: 'asymptote-doc', type: 'audio', recipe: { kind: 'speech', from: `${strip(ASY)}/asy-faq.ascii.gz`, start: 'Question 1.1.', chars: 600, title: 'Asymptote FAQ' }, content: 'Spoken (espeak-ng): Asymptote FAQ, what is Asymptote, a vector graphics language for technical drawing' },
  { pkg: 'asymptote-doc', type: 'audio', recipe: { kind: 'speech', from: `${strip(ASY)}/asy-faq.ascii.gz`, start: 'Question 1.4.', chars: 500 }, content: 'Spoken (espeak-ng): Asymptote FAQ, why the name Asymptote was chosen' },
  // ───────────── validation: documents (slides, a letter, forms, manuals, a reference card, scans) ─────────────
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/beamer/beamerexample-conference-talk.pdf`, 'Conference talk slides (beamer, 31 slides): On the Complexity of SNP Block Partitioning Under the Perfect Phylogeny Model, bioinformatics, Workshop on Algorithms in Bioinformatics 2006'),
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/beamer/beamerexample-lecture-beamer-version.pdf`, 'Lecture slides in German (beamer): Syntax versus Semantik, Logik für Informatiker, Till Tantau, 27 October 2006'),
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/seminar/semsamp1.pdf`, 'Seminar slides: Economics 327, choice under uncertainty, stochastic dominance'),
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/seminar/semsamp2.pdf`, "Seminar slides: information overload, 'You have 134 unread messages', people cannot process all the information (1991)"),
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/seminar/semsamp3.pdf`, 'Seminar demonstration slides: full-screen backgrounds for presentations (Denis Girou, June 2002)'),
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/ntgclass/brief-sample.pdf`, "A sample business letter in Dutch (NTG 'brief' class): Werkgroep 13, Nijmegen, dated 8 October 1989, subject 'nieuwe briefstijl'"),
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/pdfmanagement-testphase/l3pdffield-textfield.pdf`, "Documentation with a fillable PDF form: text fields ('Enter your name:'), LaTeX l3pdffield-textfield module"),
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/pdfmanagement-testphase/l3pdffield-checkbox.pdf`, 'Documentation with a fillable PDF form: checkbox form fields, LaTeX l3pdffield-checkbox module'),
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/polyglossia/examples.pdf`, 'Multilingual sample text: paragraphs about the French, English and other languages, each in its own language'),
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/booktabs/booktabs.pdf`, 'Manual: publication quality tables in LaTeX (booktabs package, rules in tables)'),
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/xcolor/xcolor.pdf`, 'Manual: colour in LaTeX (xcolor package, colour models, colour names, tables of colours)'),
  copy('texlive-latex-recommended-doc', 'document', `${strip(TEX)}/listings/listings.pdf`, 'Manual: typesetting source code listings in LaTeX (listings package, programming languages, keywords)'),
  copy('asymptote-doc', 'document', `${strip(ASY)}/asymptote.pdf`, 'Asymptote manual (PDF, 196 pages): the vector graphics language, installation, drawing commands, paths, labels, 3D graphs'),
  copy('asymptote-doc', 'document', `${strip(ASY)}/asyRefCard.pdf`, 'Asymptote reference card: operators, data types, drawing commands on a quick-reference sheet'),
  copy('asymptote-doc', 'document', `${strip(ASY)}/CAD.pdf`, 'Asymptote CAD package documentation: pen definitions and measurement for technical 2D CAD drawings per DIN 15 (Mark Henning, 2006)'),
  copy('asymptote-doc', 'document', `${strip(ASY)}/asy-latex.pdf`, 'Documentation of the asymptote LaTeX package: inline Asymptote graphics in LaTeX documents'),
  copy('asymptote-doc', 'document', `${strip(ASY)}/TeXShopAndAsymptote.pdf`, 'Two-page how-to: integrating Asymptote and TeXShop on Mac OS X (terminal commands, University of Alberta, 2011)'),
  { pkg: 'asymptote-doc', type: 'document', recipe: { kind: 'gunzip', from: `${strip(ASY)}/asy-faq.ascii.gz` }, content: 'Asymptote FAQ (plain text): questions and answers on installing Asymptote, LaTeX integration, labels, Greek letters, fonts, paths, graphs' },
  { pkg: 'asymptote-doc', type: 'document', recipe: { kind: 'scan', from: `${strip(ASY)}/asy-faq.ascii.gz`, start: 'Question 1.1.', lines: 40, format: 'pdf' }, content: 'Scanned page (no text layer) of the Asymptote FAQ: what is Asymptote, how to obtain it, why the name was chosen' },
  { pkg: 'gnome-user-docs', type: 'document', recipe: { kind: 'scan', from: `${strip(GHELP)}/net-wireless-connect.page`, start: '<title>', lines: 40, format: 'pdf' }, content: 'Scanned page (no text layer) of GNOME help: connect to a wireless network (Wi-Fi, network name, password)' },
  { pkg: 'gnome-user-docs', type: 'image', recipe: { kind: 'scan', from: `${strip(GHELP)}/files-delete.page`, start: '<title>', lines: 30, format: 'jpg' }, content: 'Photo of a printed page of GNOME help: delete files and folders, move them to the trash' },
  { pkg: 'gnome-user-docs', type: 'image', recipe: { kind: 'handwriting', text: 'Connect to the Wi-Fi:\nnetwork name and password' }, content: "Photo of a handwritten note on lined paper: 'Connect to the Wi-Fi: network name and password'" },
  { pkg: 'gnome-user-docs', type: 'image', recipe: { kind: 'handwriting', text: 'Empty the trash\nand delete old files' }, content: "Photo of a handwritten note on lined paper: 'Empty the trash and delete old files'" },
  // ───────────── validation: clips made from the validation pictures and sounds ─────────────
  { pkg: 'plasma-workspace-wallpapers', type: 'video', recipe: { kind: 'video', images: [PLASMA('EveningGlow', '2560x1600.jpg')], audio: `${FB}/snd/introzik.ogg`, seconds: 12 }, content: 'Clip: rowing boats on a lake at sunset, with instrumental music' },
  { pkg: 'plasma-workspace-wallpapers', type: 'video', recipe: { kind: 'video', images: [PLASMA('Path', '2560x1600.jpg')] }, content: 'Silent clip: a still shot of a forest path among tall trees' },
  { pkg: 'plasma-workspace-wallpapers', type: 'video', recipe: { kind: 'video', images: [PLASMA('Kite', '2560x1600.jpg')], audio: 'sound-icons:usr/share/sounds/sound-icons/canary-long.wav' }, content: 'Clip: a kite in a blue sky, with a bird chirping' },
  { pkg: 'plasma-workspace-wallpapers', type: 'video', recipe: { kind: 'video', images: [PLASMA('FallenLeaf', '2560x1600.jpg'), PLASMA('Autumn', '2560x1600.jpg')] }, content: 'Silent slideshow of autumn: fallen maple leaves, then a painted autumn tree' },
  { pkg: 'plasma-workspace-wallpapers', type: 'video', recipe: { kind: 'video', images: [PLASMA('Volna', '5120x2880.jpg')] }, content: 'Silent clip: aerial view of a beach with a wave' },
  { pkg: 'imagemagick-6-doc', type: 'video', recipe: { kind: 'video', images: [`${IM}/rose.jpg`, `${IM}/bluebells_darker.jpg`], audio: 'sound-icons:usr/share/sounds/sound-icons/piano-3.wav' }, content: 'Slideshow of flowers (a red rose, bluebells) with a piano note' },
  { pkg: 'python-matplotlib-data', type: 'video', recipe: { kind: 'video', images: ['python-matplotlib-data:usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg'] }, content: 'Silent clip: a still shot of the portrait of Grace Hopper in navy uniform' },
  { pkg: 'inkscape-tutorials', type: 'video', recipe: { kind: 'video', images: ['inkscape-tutorials:usr/share/inkscape/tutorials/oldguitar.jpg'], audio: 'sound-icons:usr/share/sounds/sound-icons/guitar-12.wav' }, content: "Clip: Picasso's painting The Old Guitarist, with a guitar chord" },
  { pkg: 'plasma-workspace-wallpapers', type: 'video', recipe: { kind: 'video', images: [PLASMA('SafeLanding', '1622x2880.jpg'), PLASMA('FlyingKonqui', '2560x1600.png')], audio: `${FB}/snd/frozen-mainzik-2p.ogg`, seconds: 10 }, content: 'Slideshow of cartoon illustrations (a landed rocket, a flying green dragon) with instrumental music' },
  { pkg: 'neverball-data', type: 'video', recipe: { kind: 'video', images: ['neverball-data:usr/share/games/neverball/shot-hard/frogger.jpg', 'neverball-data:usr/share/games/neverball/shot-hard/pyramid.jpg', 'neverball-data:usr/share/games/neverball/shot-hard/spiralin.jpg'], audio: `${FB}/snd/frozen-mainzik-1p.ogg`, seconds: 12 }, content: 'Slideshow of 3D ball game levels (Neverball screenshots) with game music' },
  { pkg: 'frozen-bubble-data', type: 'video', recipe: { kind: 'video', images: [`${FB}/gfx/win_panel_p1_net.png`, `${FB}/gfx/back_paused.png`], audio: `${FB}/snd/applause.ogg` }, content: "Clip of game screens ('Winner' panel, 'PAUSE' with penguins) with applause" },
  { pkg: 'gnome-user-docs', type: 'video', recipe: { kind: 'video', images: [`${GHELP}/figures/color-camera.png`], audio: 'sound-icons:usr/share/sounds/sound-icons/canary-long.wav' }, content: 'Clip: a robin on a frosty wall, with bird chirping' },
  { pkg: 'plasma-workspace-wallpapers', type: 'video', recipe: { kind: 'video', images: [PLASMA('ColdRipple', '2560x1600.jpg'), PLASMA('DarkestHour', '2560x1600.jpg'), PLASMA('summer_1am', '2560x1600.jpg')] }, content: 'Silent slideshow of calm lakes: a foggy pier, a lake at blue dusk, a lake under a purple sky' },
  { pkg: 'gnome-user-docs', type: 'video', recipe: { kind: 'video', images: [`${GHELP}/figures/shell-workspaces.png`, `${GHELP}/figures/screenshot-tool.png`], narration: 'Take a screenshot or record a screencast. You can take a picture of your screen, or record a video of what is happening on the screen.' }, content: 'Screen recording style clip of GNOME screenshots (workspaces, screenshot tool) with a spoken explanation of taking screenshots (espeak-ng)' },
  { pkg: 'asymptote-doc', type: 'video', recipe: { kind: 'video', images: [`${ASY}/html/imagecontour.png`, `${ASY}/html/GaussianSurface.png`, `${ASY}/html/helix.png`] }, content: 'Silent slideshow of scientific figures: a contour heat map, a Gaussian surface, a helix' },
  { pkg: 'plasma-workspace-wallpapers', type: 'video', recipe: { kind: 'video', images: [PLASMA('ColorfulCups', '2560x1600.jpg')] }, content: 'Silent clip: a still shot of colourful plastic cups' },
  { pkg: 'plasma-workspace-wallpapers', type: 'video', recipe: { kind: 'video', images: [PLASMA('Grey', '2560x1600.jpg')] }, content: 'Silent clip: black-and-white modern architecture, a wavy facade' },
  { pkg: 'plasma-workspace-wallpapers', type: 'video', recipe: { kind: 'video', images: [PLASMA('Altai', '1080x1920.png'), PLASMA('EveningGlow', '2560x1600.jpg')], audio: 'yaru-theme-sound:usr/share/sounds/Yaru/stereo/system-ready.oga' }, content: 'Slideshow of mountains by lakes (an illustration, then boats at sunset) with a short start-up melody' },
  { pkg: 'imagemagick-6-doc', type: 'video', recipe: { kind: 'video', images: [`${IM}/wizard.jpg`, `${IM}/logo.jpg`], audio: 'sound-icons:usr/share/sounds/sound-icons/xylofon.wav' }, content: 'Slideshow of cartoon wizards (ImageMagick) with a xylophone run' },
];
