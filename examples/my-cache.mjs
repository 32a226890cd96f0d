// A contender of your own: `readstate-lab run --impl ./examples/my-cache.mjs`.
// It implements implementations/contract.ts with one Map of plain objects in LRU order: short,
// not fast (drainDue scans every entry, and the service calls it every 5 ms).
export function createCache({ capacity, onEvict = () => {} }) {
  const entries = new Map(); // "user:channel" -> state; Map order is LRU order
  let closed = false;
  const live = () => { if (closed) throw new Error('my-cache is closed'); };
  const copy = (s) => ({ userId: s.userId, channelId: s.channelId, lastReadMessageId: s.lastReadMessageId, mentionCount: s.mentionCount, updatedAt: s.updatedAt });
  const touch = (u, c) => { live(); const k = `${u}:${c}`, s = entries.get(k); if (s) { entries.delete(k); entries.set(k, s); } return s; };
  return {
    capacity,
    get size() { return entries.size; },
    read(u, c, into) { const s = touch(u, c); if (s) Object.assign(into, copy(s)); return s !== undefined; },
    ack(u, c, id, now) { const s = touch(u, c); if (s) Object.assign(s, { lastReadMessageId: Math.max(s.lastReadMessageId, id), mentionCount: 0, updatedAt: now, dirty: true }); return s !== undefined; },
    mention(u, c, now) { const s = touch(u, c); if (s) Object.assign(s, { mentionCount: s.mentionCount + 1, updatedAt: now, dirty: true }); return s !== undefined; },
    insert(state, _now) {
      live(); const k = `${state.userId}:${state.channelId}`;
      entries.delete(k);
      if (entries.size >= capacity) { const [oldKey, old] = entries.entries().next().value; entries.delete(oldKey); if (old.dirty) onEvict(copy(old)); }
      entries.set(k, { ...copy(state), dirty: false });
    },
    drainDue(olderThan, sink, max = Infinity) {
      live(); const due = [...entries.values()].filter((s) => s.dirty && s.updatedAt <= olderThan).sort((a, b) => a.updatedAt - b.updatedAt).slice(0, max);
      for (const s of due) { s.dirty = false; sink(copy(s)); }
      return due.length;
    },
    forEach(visit) { live(); for (const s of entries.values()) visit(copy(s)); },
    offHeapBytes() { live(); return 0; },
    close() { closed = true; entries.clear(); },
  };
}
