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
 * major GCs the runtime chose as orange lines, scavenges as grey ticks, and the database's own
 * collector (Cassandra's JVM) in lanes of its own, navy on light and pale lime on dark, colours
 * far from every series and mark above. The dark scheme's are lighter and its band more opaque,
 * or the bands vanish into the dark panel.
 */
export const GC_MARK_COLORS = {
  light: { forced: '#8e44ad', forcedBand: 'rgba(142,68,173,0.30)', major: '#e67e22', minor: '#7f8c8d', store: '#0b1f3a' },
  dark: { forced: '#c39bff', forcedBand: 'rgba(195,155,255,0.42)', major: '#ffa94d', minor: '#aab3bf', store: '#e1ffb4' },
} as const;

/**
 * Series colours for up to twelve contenders, one palette for both schemes. Chosen by a search
 * over HSL (2026-12-07) to keep every pair at least 24 CIEDE2000 apart, each at least 32 from
 * the light and the dark chart panel and page, and at least 33 CIE76 from every GC mark colour
 * above in both schemes (none is the marks' purple, orange or grey);
 * test/report-palette-keeps-contenders-apart.unit.test.ts checks all three.
 */
export const PALETTE = [
  '#ae9d04',
  '#7351fb',
  '#e0836c',
  '#0698f9',
  '#fb6ad0',
  '#466020',
  '#7ff906',
  '#ae046a',
  '#8a590f',
  '#04aeae',
  '#12a14b',
  '#b81414',
] as const;

/** Backgrounds the series are drawn on, per scheme (report.css's --panel and --bg). */
export const CHART_BACKGROUNDS = { light: ['#f6f7f9', '#ffffff'], dark: ['#1d2129', '#15181e'] } as const;

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
