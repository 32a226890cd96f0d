/**
 * Series colours for contenders. A report never loads the contender registry, so a colour comes
 * from the contender's name: a stable hash picks its slot, and a name whose slot is taken in this
 * report takes the next free one. The same contender keeps its colour across reports unless two
 * names of one report collide.
 *
 * None of these is the purple, orange or grey the charts use for GC marks (assets/report.js), and
 * each reads on both the light and the dark background.
 */
const PALETTE = ['#2e86de', '#16a085', '#c0392b', '#d4ac0d', '#27ae60', '#e84393', '#00a8b5', '#6c5ce7', '#a0522d', '#2d3436'];

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
