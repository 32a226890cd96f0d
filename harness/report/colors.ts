/**
 * Colours of a report: series colours for contenders and the colours of GC marks, in one place so
 * that they are chosen against each other.
 *
 * A report never loads the contender registry, so a series colour comes from the contender's
 * name: a stable hash picks its slot, and a name whose slot is taken in this report takes the
 * next free one. The same contender keeps its colour across reports unless two names of one
 * report collide.
 */

/**
 * GC marks on the latency-over-time charts, per colour scheme: forced major GCs as purple bands,
 * major GCs the runtime chose as orange lines, scavenges as grey ticks. The dark scheme's are
 * lighter and its band more opaque, or the bands vanish into the dark panel.
 */
export const GC_MARK_COLORS = {
  light: { forced: '#8e44ad', forcedBand: 'rgba(142,68,173,0.30)', major: '#e67e22', minor: '#7f8c8d' },
  dark: { forced: '#c39bff', forcedBand: 'rgba(195,155,255,0.42)', major: '#ffa94d', minor: '#aab3bf' },
} as const;

/**
 * Series colours. Each is at least 35 CIE76 ΔE from every GC mark colour above in both schemes
 * (none is purple, orange or grey) and has a contrast of at least 2.3:1 against both the light
 * and the dark chart panel; test/html-report-in-chromium.test.ts checks the first in the page.
 */
// The order places the six most distinct colours (at least 52 ΔE apart) in the slots the hash
// gives the built-in cache contenders: naive-map red, lru-cache blue, typed-array teal, native
// indigo, partitioned-inheap pink, partitioned olive.
const PALETTE = ['#ff2277', '#16a085', '#0066ff', '#2ca02c', '#3333ff', '#d62728', '#dd7799', '#2e86de', '#776600', '#99aa00'];

/** FNV-1a over the name's UTF-16 code units: small, stable, spreads short names well. */
function hash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A colour per name, in the order given; distinct while there are no more names than colours. */
export function contenderColors(names: readonly string[]): Map<string, string> {
  const taken = new Set<number>();
  const colors = new Map<string, string>();
  for (const name of names) {
    if (colors.has(name)) continue;
    let slot = hash(name) % PALETTE.length;
    for (let tries = 0; taken.has(slot) && tries < PALETTE.length; tries++) slot = (slot + 1) % PALETTE.length;
    taken.add(slot);
    colors.set(name, PALETTE[slot]!);
  }
  return colors;
}
