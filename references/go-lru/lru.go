package main

import "container/list"

// entry is one cached read state. It is a heap object reached through pointers from the map
// (via its list element) and from the dirty list: the pointer-rich layout Discord's Go
// service had, and what this reference exists to measure the GC cost of.
type entry struct {
	state ReadState
	// dirtyAt is the entry's element in the dirty list, nil while the entry is clean.
	dirtyAt *list.Element
}

// lruCache is a map from key to an element of a doubly linked list that keeps the entries
// in recency order. It is not safe for concurrent use: the service holds its mutex around
// every call.
type lruCache struct {
	capacity int
	items    map[key]*list.Element // Value: *entry
	// order holds every entry, most recently used at the front.
	order *list.List
	// dirty holds the dirty entries, least recently updated at the front. Updates come in
	// clock order, so the front is also the smallest updatedAt, and the write-back timer
	// stops at the first entry that is not yet due instead of scanning the whole cache.
	dirty *list.List
	// onEvict receives each dirty entry that is evicted, to be written back.
	onEvict   func(ReadState)
	evictions uint64
}

func newLRU(capacity int) *lruCache {
	return &lruCache{
		capacity: capacity,
		items:    make(map[key]*list.Element),
		order:    list.New(),
		dirty:    list.New(),
	}
}

func (c *lruCache) len() int { return c.order.Len() }

// touch finds the entry of k and makes it the most recently used; nil on a miss.
func (c *lruCache) touch(k key) *entry {
	el, ok := c.items[k]
	if !ok {
		return nil
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry)
}

func (c *lruCache) read(k key) (ReadState, bool) {
	e := c.touch(k)
	if e == nil {
		return ReadState{}, false
	}
	return e.state, true
}

// ack records that the user read up to messageID: it never moves lastRead backwards and
// clears the mentions.
func (c *lruCache) ack(k key, messageID int64, now float64) (ReadState, bool) {
	e := c.touch(k)
	if e == nil {
		return ReadState{}, false
	}
	if messageID > e.state.LastReadMessageID {
		e.state.LastReadMessageID = messageID
	}
	e.state.MentionCount = 0
	c.markDirty(e, now)
	return e.state, true
}

func (c *lruCache) mention(k key, now float64) (ReadState, bool) {
	e := c.touch(k)
	if e == nil {
		return ReadState{}, false
	}
	e.state.MentionCount++
	c.markDirty(e, now)
	return e.state, true
}

func (c *lruCache) markDirty(e *entry, now float64) {
	e.state.UpdatedAt = now
	if e.dirtyAt == nil {
		e.dirtyAt = c.dirty.PushBack(e)
	} else {
		c.dirty.MoveToBack(e.dirtyAt)
	}
}

// insert adds a clean state (loaded from the store, or warm) as the most recently used,
// replacing any entry with the same key. When full it first evicts the least recently used
// entry, handing it to onEvict if it was dirty.
func (c *lruCache) insert(s ReadState) {
	k := s.key()
	if el, ok := c.items[k]; ok {
		e := el.Value.(*entry)
		c.clean(e)
		e.state = s
		c.order.MoveToFront(el)
		return
	}
	if c.order.Len() >= c.capacity {
		c.evictOldest()
	}
	c.items[k] = c.order.PushFront(&entry{state: s})
}

func (c *lruCache) evictOldest() {
	el := c.order.Back()
	e := c.order.Remove(el).(*entry)
	delete(c.items, e.state.key())
	c.evictions++
	if e.dirtyAt != nil {
		c.clean(e)
		if c.onEvict != nil {
			c.onEvict(e.state)
		}
	}
}

func (c *lruCache) clean(e *entry) {
	if e.dirtyAt != nil {
		c.dirty.Remove(e.dirtyAt)
		e.dirtyAt = nil
	}
}

// drainDue hands each dirty state with updatedAt <= olderThan to sink, oldest first, and
// marks it clean; at most max of them (max < 0: no limit). LRU order does not change.
func (c *lruCache) drainDue(olderThan float64, max int, sink func(ReadState)) int {
	n := 0
	for el := c.dirty.Front(); el != nil && (max < 0 || n < max); el = c.dirty.Front() {
		e := el.Value.(*entry)
		if e.state.UpdatedAt > olderThan {
			break
		}
		c.clean(e)
		sink(e.state)
		n++
	}
	return n
}
