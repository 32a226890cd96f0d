/**
 * The read-state cache as Lua scripts run inside redis-server. Why scripts, and not Redis' own
 * eviction: `maxmemory-policy allkeys-lru` evicts by sampling, by bytes rather than entries, and
 * silently, so a dirty read state would vanish without being written back. The contract wants an
 * exact LRU of a fixed number of entries that hands every dirty victim to the store. A script
 * runs atomically, so each operation (look up, bump the LRU, update, mark dirty; or evict and
 * insert) is one indivisible step and one round trip, and the server's order of execution is
 * the one order every operation takes, whichever request sent it.
 *
 * Server-side structures (one server per run, owned by the lab, so fixed key names):
 * - `state`   hash: "user:channel" -> "lastRead,mentions,updatedAt" (decimal strings)
 * - `lru`     sorted set: "user:channel" scored by a tick that grows on every touch; the lowest
 *             score is the least recently used entry (ZPOPMIN evicts it)
 * - `dirty`   sorted set: "user:channel" scored by updatedAt, for the write-back timer's
 *             "dirty and older than" query, oldest first
 * - `tick`    the LRU counter
 * - `pending:user:channel` list: operations that reached the server while the entry was absent,
 *             in arrival order; the script that inserts the loaded state applies them, in order,
 *             before anything else can touch the entry
 *
 * Numbers: Redis' Lua has only doubles, and tostring() prints 14 significant digits, which would
 * round a message id near 2^50. So message ids stay the decimal strings they arrive as and are
 * only compared with tonumber() (exact below 2^53); counts and times are small integers, which
 * print exactly.
 */

/** The keys every script is given, in this order (KEYS[1..4]); the entries' pending lists follow. */
export const REDIS_KEYS = ['state', 'lru', 'dirty', 'tick'] as const;

/** The pending list of one entry. */
export function pendingKey(entry: string): string {
  return `pending:${entry}`;
}

/** Shared Lua: applies one operation ('r' read, 'a' ack, 'm' mention) to an entry's value. */
const APPLY = `
local function apply(value, kind, message, now)
  if kind == 'r' then return value, false end
  local last, mentions = string.match(value, '^(%d+),(%d+),')
  if kind == 'a' then
    if tonumber(message) > tonumber(last) then last = message end
    mentions = '0'
  else
    mentions = tostring(tonumber(mentions) + 1)
  end
  return last .. ',' .. mentions .. ',' .. now, true
end
`;

/**
 * A batch of operations, in order: those of every request sent in one turn of the event loop.
 * ARGV: (entry, kind, message id, now) per operation; KEYS[4 + j] is operation j's pending list.
 * Per operation: a hit bumps the LRU, applies, marks dirty, and answers 0; a miss appends the
 * operation to the entry's pending list and answers the list's length, where 1 means this
 * operation opened the list and the caller must load the entry.
 * Why batches: each call costs the client a command to build and Redis a script invocation,
 * which cost more than the work of a few operations; one call per turn pays them once for every
 * request of the turn, the way auto-pipelining pays one network write for them. Each operation
 * is still applied whole and in order, so nothing about the semantics changes.
 */
export const BATCH_SCRIPT = `${APPLY}
local tick = tonumber(redis.call('GET', KEYS[4]) or '0')
local answers = {}
for j = 1, #ARGV / 4 do
  local entry, kind, message, now = ARGV[4 * j - 3], ARGV[4 * j - 2], ARGV[4 * j - 1], ARGV[4 * j]
  local value = redis.call('HGET', KEYS[1], entry)
  if not value then
    answers[j] = redis.call('RPUSH', KEYS[4 + j], kind .. ',' .. message)
  else
    tick = tick + 1
    redis.call('ZADD', KEYS[2], tick, entry)
    local changed
    value, changed = apply(value, kind, message, now)
    if changed then
      redis.call('HSET', KEYS[1], entry, value)
      redis.call('ZADD', KEYS[3], now, entry)
    end
    answers[j] = 0
  end
end
redis.call('SET', KEYS[4], tick)
return answers
`;

/**
 * Inserts a state loaded from the store, then applies the operations that waited for it.
 * ARGV: entry, value from the store ("" when the store has none: a fresh state), capacity, now.
 * First evicts least recently used entries until there is room; returns
 * { evictions, victim1, value1, victim2, value2, ... } with the dirty victims only, whose values
 * the caller must write back. Pending operations are stamped with `now`, the time they are
 * applied, as the in-process service does.
 */
export const LOAD_SCRIPT = `${APPLY}
local entry, stored, capacity, now = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local result = { 0 }
if redis.call('HEXISTS', KEYS[1], entry) == 0 then
  while redis.call('HLEN', KEYS[1]) >= capacity do
    local victim = redis.call('ZPOPMIN', KEYS[2])[1]
    if redis.call('ZREM', KEYS[3], victim) == 1 then
      result[#result + 1] = victim
      result[#result + 1] = redis.call('HGET', KEYS[1], victim)
    end
    redis.call('HDEL', KEYS[1], victim)
    result[1] = result[1] + 1
  end
  if stored == '' then stored = '0,0,' .. now end
  redis.call('HSET', KEYS[1], entry, stored)
end
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), entry)
local value = redis.call('HGET', KEYS[1], entry)
local dirty = false
for _, operation in ipairs(redis.call('LRANGE', KEYS[5], 0, -1)) do
  local kind, message = string.match(operation, '^(%a),(%d+)$')
  local changed
  value, changed = apply(value, kind, message, now)
  dirty = dirty or changed
end
redis.call('DEL', KEYS[5])
if dirty then
  redis.call('HSET', KEYS[1], entry, value)
  redis.call('ZADD', KEYS[3], now, entry)
end
return result
`;

/**
 * Drops the operations that waited for a load that failed (the store refused it): they are
 * answered with an error, so they must not be applied by a later load. Returns how many.
 */
export const ABANDON_SCRIPT = `
local n = redis.call('LLEN', KEYS[5])
redis.call('DEL', KEYS[5])
return n
`;

/**
 * The write-back timer: hands dirty entries last updated at or before ARGV[1] (a number or
 * "+inf"), oldest first, at most ARGV[2] of them, and marks them clean. Does not touch the LRU.
 * Returns { entry1, value1, entry2, value2, ... }.
 */
export const DRAIN_SCRIPT = `
local entries = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local result = {}
for _, entry in ipairs(entries) do
  result[#result + 1] = entry
  result[#result + 1] = redis.call('HGET', KEYS[1], entry)
  redis.call('ZREM', KEYS[3], entry)
end
return result
`;
