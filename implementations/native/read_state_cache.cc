// The native contender: read states in one calloc'd array of structs outside the V8 heap, with
// the same design as typed-array.ts (open-addressing index, intrusive LRU and dirty lists).
// The GC never sees an entry; JS reaches them through a handful of calls that take and return
// numbers only, and a Float64Array shared with the JS wrapper for whole states.
//
// The addon does not trust its caller: every method checks its own arguments and throws a JS
// TypeError/RangeError (or Error, once closed) instead of reading or writing out of bounds. The
// checks are a few comparisons per call; the closed check is one branch.
#include <napi.h>

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>

namespace {

constexpr uint32_t kNone = 0xffffffffu;   // end of a list
constexpr uint32_t kClean = 0xfffffffeu;  // in dirty_prev: not on the dirty list
constexpr double kIndexLoadFactor = 0.75;
constexpr int kStateWidth = 5;  // userId, channelId, lastRead, mentions, updatedAt
// Slots run from 0 to capacity - 1 and must stay below kClean and kNone; the wrapper uses the
// same limit (native-cache.ts, checkCapacity).
constexpr double kMaxCapacity = 0xfffffffd;
constexpr double kMaxId = 0xffffffff;
constexpr double kMaxMessageId = 9007199254740991.0;  // 2^53 - 1, as in contract.ts
constexpr int kAckMessageSlot = 2;  // ack's message id travels in scratch[2], a state's lastRead slot

// Owns memory from calloc: calloc hands back untouched zero pages, so a large cache costs resident
// memory only as it fills (the lab measures that), and the index needs zeroes anyway.
struct FreeDeleter {
  void operator()(void* p) const noexcept { std::free(p); }
};
template <typename T>
using CallocArray = std::unique_ptr<T[], FreeDeleter>;

template <typename T>
CallocArray<T> CallocN(uint64_t n) {
  if (n > std::numeric_limits<size_t>::max() / sizeof(T)) return nullptr;  // n * sizeof(T) overflows
  return CallocArray<T>(static_cast<T*>(std::calloc(static_cast<size_t>(n), sizeof(T))));
}

// 44 bytes of fields, 48 with alignment.
struct Entry {
  double last_read;
  double updated_at;
  uint32_t user;
  uint32_t channel;
  uint32_t mentions;
  uint32_t prev, next;              // LRU list, least recently used at head
  uint32_t dirty_prev, dirty_next;  // dirty list, oldest update at head
};

class Cache {
 public:
  // Index buckets for `capacity` entries: at least one always stays empty, so probes end.
  static uint64_t BucketsFor(uint32_t capacity) {
    return std::max<uint64_t>(uint64_t(capacity) + 1, uint64_t(capacity / kIndexLoadFactor) + 1);
  }
  static uint64_t BytesFor(uint32_t capacity) {
    return uint64_t(capacity) * sizeof(Entry) + BucketsFor(capacity) * sizeof(uint32_t);
  }

  // A cache of `capacity` >= 1 entries, or nullptr when its memory cannot be had.
  static std::unique_ptr<Cache> Create(uint32_t capacity) {
    std::unique_ptr<Cache> cache(new (std::nothrow) Cache(capacity));
    if (cache == nullptr || cache->entries_ == nullptr || cache->index_ == nullptr) return nullptr;
    return cache;
  }

  uint32_t size() const { return size_; }
  uint64_t bytes() const { return BytesFor(capacity_); }

  uint32_t Find(uint32_t user, uint32_t channel) const {
    for (uint64_t b = Home(user, channel);;) {
      uint32_t e = index_[b];
      if (e == 0) return kNone;
      const Entry& entry = entries_[e - 1];
      if (entry.user == user && entry.channel == channel) return e - 1;
      if (++b == buckets_) b = 0;
    }
  }

  bool Read(uint32_t user, uint32_t channel, double* out) {
    uint32_t slot = Find(user, channel);
    if (slot == kNone) return false;
    MoveToTail(slot);
    Copy(slot, out);
    return true;
  }

  bool Ack(uint32_t user, uint32_t channel, double message, double now) {
    uint32_t slot = Find(user, channel);
    if (slot == kNone) return false;
    MoveToTail(slot);
    Entry& e = entries_[slot];
    if (message > e.last_read) e.last_read = message;
    e.mentions = 0;
    MarkDirty(slot, now);
    return true;
  }

  bool Mention(uint32_t user, uint32_t channel, double now) {
    uint32_t slot = Find(user, channel);
    if (slot == kNone) return false;
    MoveToTail(slot);
    entries_[slot].mentions++;
    MarkDirty(slot, now);
    return true;
  }

  // Returns true when a dirty entry was evicted; its state is then in `evicted`.
  bool Insert(uint32_t user, uint32_t channel, double last_read, uint32_t mentions, double updated_at, double* evicted) {
    bool evicted_dirty = false;
    uint32_t slot = Find(user, channel);
    if (slot != kNone) {
      UnlinkDirty(slot);
      MoveToTail(slot);
    } else {
      if (size_ < capacity_) {
        slot = size_++;
      } else {
        slot = head_;
        evicted_dirty = EvictHead(evicted);
      }
      Entry& e = entries_[slot];
      e.user = user;
      e.channel = channel;
      e.dirty_prev = kClean;
      AddToIndex(slot);
      LinkAtTail(slot);
    }
    Entry& e = entries_[slot];
    e.last_read = last_read;
    e.mentions = mentions;
    e.updated_at = updated_at;
    return evicted_dirty;
  }

  // Moves up to `max` due dirty states into `out`, marking them clean; returns how many.
  uint32_t Drain(double older_than, uint32_t max, double* out) {
    uint32_t n = 0;
    while (n < max && dirty_head_ != kNone && entries_[dirty_head_].updated_at <= older_than) {
      uint32_t slot = dirty_head_;
      UnlinkDirty(slot);
      Copy(slot, out + n * kStateWidth);
      n++;
    }
    return n;
  }

  // Copies states of slots [from, from + max) into `out`; returns how many.
  uint32_t Dump(uint32_t from, uint32_t max, double* out) const {
    uint32_t n = 0;
    for (uint32_t slot = from; slot < size_ && n < max; slot++, n++) Copy(slot, out + n * kStateWidth);
    return n;
  }

 private:
  uint64_t Home(uint32_t user, uint32_t channel) const {
    // The same mix as typed-array.ts, so both spread keys alike.
    uint32_t h = (user ^ 0x9e3779b9u) * 0x85ebca6bu ^ channel;
    h = (h ^ (h >> 16)) * 0x85ebca6bu;
    h = (h ^ (h >> 13)) * 0xc2b2ae35u;
    h ^= h >> 16;
    return (h >> 1) % buckets_;
  }

  void Copy(uint32_t slot, double* out) const {
    const Entry& e = entries_[slot];
    out[0] = e.user;
    out[1] = e.channel;
    out[2] = e.last_read;
    out[3] = e.mentions;
    out[4] = e.updated_at;
  }

  void AddToIndex(uint32_t slot) {
    uint64_t b = Home(entries_[slot].user, entries_[slot].channel);
    while (index_[b] != 0) if (++b == buckets_) b = 0;
    index_[b] = slot + 1;
  }

  // Backward-shift deletion: see typed-array.ts #removeFromIndex.
  void RemoveFromIndex(uint32_t slot) {
    uint64_t hole = Home(entries_[slot].user, entries_[slot].channel);
    while (index_[hole] != slot + 1) if (++hole == buckets_) hole = 0;
    for (uint64_t b = hole;;) {
      if (++b == buckets_) b = 0;
      uint32_t e = index_[b];
      if (e == 0) break;
      uint64_t home = Home(entries_[e - 1].user, entries_[e - 1].channel);
      bool home_after_hole = hole <= b ? (home > hole && home <= b) : (home > hole || home <= b);
      if (home_after_hole) continue;
      index_[hole] = e;
      hole = b;
    }
    index_[hole] = 0;
  }

  void LinkAtTail(uint32_t slot) {
    entries_[slot].prev = tail_;
    entries_[slot].next = kNone;
    if (tail_ == kNone) head_ = slot; else entries_[tail_].next = slot;
    tail_ = slot;
  }

  void MoveToTail(uint32_t slot) {
    if (slot == tail_) return;
    uint32_t before = entries_[slot].prev, after = entries_[slot].next;
    if (before == kNone) head_ = after; else entries_[before].next = after;
    entries_[after].prev = before;
    LinkAtTail(slot);
  }

  bool EvictHead(double* evicted) {
    uint32_t slot = head_;
    head_ = entries_[slot].next;
    if (head_ == kNone) tail_ = kNone; else entries_[head_].prev = kNone;
    RemoveFromIndex(slot);
    if (entries_[slot].dirty_prev == kClean) return false;
    UnlinkDirty(slot);
    Copy(slot, evicted);
    return true;
  }

  void MarkDirty(uint32_t slot, double now) {
    Entry& e = entries_[slot];
    e.updated_at = now;
    UnlinkDirty(slot);
    e.dirty_prev = dirty_tail_;
    e.dirty_next = kNone;
    if (dirty_tail_ == kNone) dirty_head_ = slot; else entries_[dirty_tail_].dirty_next = slot;
    dirty_tail_ = slot;
  }

  void UnlinkDirty(uint32_t slot) {
    Entry& e = entries_[slot];
    uint32_t before = e.dirty_prev;
    if (before == kClean) return;
    uint32_t after = e.dirty_next;
    if (before == kNone) dirty_head_ = after; else entries_[before].dirty_next = after;
    if (after == kNone) dirty_tail_ = before; else entries_[after].dirty_prev = before;
    e.dirty_prev = kClean;
  }

  explicit Cache(uint32_t capacity)
      : capacity_(capacity),
        buckets_(BucketsFor(capacity)),
        entries_(CallocN<Entry>(capacity)),
        index_(CallocN<uint32_t>(buckets_)) {}

  const uint32_t capacity_;
  const uint64_t buckets_;
  const CallocArray<Entry> entries_;
  const CallocArray<uint32_t> index_;
  uint32_t size_ = 0;
  uint32_t head_ = kNone, tail_ = kNone;
  uint32_t dirty_head_ = kNone, dirty_tail_ = kNone;
};

// The JS face: every method takes and returns numbers; whole states go through Float64Arrays.
// Each method checks, in this order: the handle is open, the argument count, then each argument.
class NativeCache : public Napi::ObjectWrap<NativeCache> {
 public:
  static Napi::Object Init(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(env, "NativeCache", {
      InstanceMethod<&NativeCache::Read>("read"),
      InstanceMethod<&NativeCache::Ack>("ack"),
      InstanceMethod<&NativeCache::Mention>("mention"),
      InstanceMethod<&NativeCache::Insert>("insert"),
      InstanceMethod<&NativeCache::Drain>("drain"),
      InstanceMethod<&NativeCache::Dump>("dump"),
      InstanceMethod<&NativeCache::Size>("size"),
      InstanceMethod<&NativeCache::Bytes>("bytes"),
      InstanceMethod<&NativeCache::Close>("close"),
    });
    exports.Set("NativeCache", ctor);
    return exports;
  }

  // new NativeCache(capacity: integer in [1, 0xfffffffd], scratch: Float64Array of >= 5)
  NativeCache(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeCache>(info) {
    Napi::Env env = info.Env();
    if (!Arity(info, 2, "new NativeCache(capacity, scratch)")) return;
    double capacity;
    if (!Number(info, 0, "capacity", &capacity)) return;
    if (!(capacity >= 1 && capacity <= kMaxCapacity) || capacity != double(uint32_t(capacity))) {
      Throw<Napi::RangeError>(env, "native cache: capacity must be an integer from 1 to 4294967293, got %.17g",
                              capacity);
      return;
    }
    double* scratch;
    size_t scratch_length;
    if (!Float64s(info, 1, "scratch", &scratch, &scratch_length)) return;
    if (scratch_length < kStateWidth) {
      Throw<Napi::RangeError>(env, "native cache: scratch must hold at least %d numbers, got %.17g", kStateWidth,
                              double(scratch_length));
      return;
    }
    cache_ = Cache::Create(uint32_t(capacity));
    if (cache_ == nullptr) {
      Throw<Napi::RangeError>(env, "native cache: cannot allocate %.17g bytes for capacity %.17g",
                              double(Cache::BytesFor(uint32_t(capacity))), capacity);
      return;
    }
    scratch_ref_ = Napi::Persistent(info[1].As<Napi::Object>());
    scratch_ = scratch;
  }

 private:
  // ---- argument checks: each throws a JS error and returns false (or nullptr) on a bad one ----

  template <typename E>
  static void Throw(Napi::Env env, const char* format, ...) {
    char message[200];
    va_list args;
    va_start(args, format);
    std::vsnprintf(message, sizeof message, format, args);
    va_end(args);
    E::New(env, message).ThrowAsJavaScriptException();
  }

  // The cache, or nullptr (having thrown) once close() has run. One branch on the hot path.
  Cache* Open(const Napi::CallbackInfo& info) {
    Cache* cache = cache_.get();
    if (cache == nullptr) Napi::Error::New(info.Env(), "native cache is closed").ThrowAsJavaScriptException();
    return cache;
  }

  static bool Arity(const Napi::CallbackInfo& info, size_t count, const char* signature) {
    if (info.Length() == count) return true;
    Throw<Napi::TypeError>(info.Env(), "native cache: %s takes %d arguments, got %d", signature, int(count),
                           int(info.Length()));
    return false;
  }

  // napi_get_value_double both checks the type and reads the value: one call per argument.
  static bool Number(const Napi::CallbackInfo& info, size_t i, const char* name, double* out) {
    if (napi_get_value_double(info.Env(), info[i], out) == napi_ok) return true;
    Throw<Napi::TypeError>(info.Env(), "native cache: %s must be a number", name);
    return false;
  }

  // An unsigned 32-bit integer: a user or channel id, a mention count, a slot.
  static bool U32(const Napi::CallbackInfo& info, size_t i, const char* name, uint32_t* out) {
    double d;
    if (!Number(info, i, name, &d)) return false;
    // Range first: converting NaN or an out-of-range double to uint32_t is undefined.
    if ((d >= 0 && d <= kMaxId) && d == double(*out = uint32_t(d))) return true;
    Throw<Napi::RangeError>(info.Env(), "native cache: %s must be an integer from 0 to 4294967295, got %.17g", name, d);
    return false;
  }

  // A message id: a number in [0, 2^53 - 1] (so not NaN and not infinite).
  static bool MessageId(const Napi::CallbackInfo& info, size_t i, const char* name, double* out) {
    if (!Number(info, i, name, out)) return false;
    if (*out >= 0 && *out <= kMaxMessageId) return true;
    Throw<Napi::RangeError>(info.Env(), "native cache: %s must be a number from 0 to 2^53 - 1, got %.17g", name, *out);
    return false;
  }

  // A Float64Array (not another typed array: its elements would be the wrong size).
  static bool Float64s(const Napi::CallbackInfo& info, size_t i, const char* name, double** data, size_t* length) {
    napi_env env = info.Env();
    bool is_typed_array = false;
    napi_typedarray_type type;
    void* bytes = nullptr;
    if (napi_is_typedarray(env, info[i], &is_typed_array) != napi_ok || !is_typed_array ||
        napi_get_typedarray_info(env, info[i], &type, length, &bytes, nullptr, nullptr) != napi_ok ||
        type != napi_float64_array) {
      Throw<Napi::TypeError>(env, "native cache: %s must be a Float64Array", name);
      return false;
    }
    *data = static_cast<double*>(bytes);
    return true;
  }

  // ---- methods ----

  // read(userId, channelId) -> hit; a hit's state is in scratch.
  Napi::Value Read(const Napi::CallbackInfo& info) {
    Cache* cache = Open(info);
    uint32_t user, channel;
    if (cache == nullptr || !Arity(info, 2, "read(userId, channelId)") || !U32(info, 0, "userId", &user) ||
        !U32(info, 1, "channelId", &channel))
      return Napi::Value();
    return Napi::Boolean::New(info.Env(), cache->Read(user, channel, scratch_));
  }

  // ack(userId, channelId, now) -> hit, with the message id in scratch[kAckMessageSlot].
  // The id is a float near 2^50: passed as an argument, V8 boxes it into a new heap number for
  // every call (16 bytes of garbage per ack on the hit path); through the shared Float64Array it
  // travels unboxed, as states already do the other way.
  Napi::Value Ack(const Napi::CallbackInfo& info) {
    Cache* cache = Open(info);
    uint32_t user, channel;
    double now;
    if (cache == nullptr || !Arity(info, 3, "ack(userId, channelId, now) with the message id in scratch[2]") ||
        !U32(info, 0, "userId", &user) || !U32(info, 1, "channelId", &channel) || !Number(info, 2, "now", &now))
      return Napi::Value();
    double message = scratch_[kAckMessageSlot];
    if (!(message >= 0 && message <= kMaxMessageId)) {
      Throw<Napi::RangeError>(info.Env(), "native cache: messageId (scratch[2]) must be a number from 0 to 2^53 - 1, got %.17g",
                              message);
      return Napi::Value();
    }
    return Napi::Boolean::New(info.Env(), cache->Ack(user, channel, message, now));
  }

  // mention(userId, channelId, now) -> hit
  Napi::Value Mention(const Napi::CallbackInfo& info) {
    Cache* cache = Open(info);
    uint32_t user, channel;
    double now;
    if (cache == nullptr || !Arity(info, 3, "mention(userId, channelId, now)") || !U32(info, 0, "userId", &user) ||
        !U32(info, 1, "channelId", &channel) || !Number(info, 2, "now", &now))
      return Napi::Value();
    return Napi::Boolean::New(info.Env(), cache->Mention(user, channel, now));
  }

  // insert(userId, channelId, lastRead, mentions, updatedAt) -> evicted a dirty entry (its state
  // is then in scratch)
  Napi::Value Insert(const Napi::CallbackInfo& info) {
    Cache* cache = Open(info);
    uint32_t user, channel, mentions;
    double last_read, updated_at;
    if (cache == nullptr || !Arity(info, 5, "insert(userId, channelId, lastRead, mentions, updatedAt)") ||
        !U32(info, 0, "userId", &user) || !U32(info, 1, "channelId", &channel) ||
        !MessageId(info, 2, "lastRead", &last_read) || !U32(info, 3, "mentions", &mentions) ||
        !Number(info, 4, "updatedAt", &updated_at))
      return Napi::Value();
    return Napi::Boolean::New(info.Env(), cache->Insert(user, channel, last_read, mentions, updated_at, scratch_));
  }

  // drain(olderThan, max, out: Float64Array with room for max states) -> count
  Napi::Value Drain(const Napi::CallbackInfo& info) {
    Cache* cache = Open(info);
    double older_than, max, *out;
    size_t length;
    if (cache == nullptr || !Arity(info, 3, "drain(olderThan, max, out)") ||
        !Number(info, 0, "olderThan", &older_than) || !Number(info, 1, "max", &max) ||
        !Float64s(info, 2, "out", &out, &length))
      return Napi::Value();
    double room = double(length / kStateWidth);
    if (!(max >= 0 && max <= room)) {
      Throw<Napi::RangeError>(info.Env(), "native cache: drain max must be from 0 to %.17g (the states out holds), got %.17g",
                              room, max);
      return Napi::Value();
    }
    return Napi::Number::New(info.Env(), cache->Drain(older_than, uint32_t(max), out));
  }

  // dump(fromSlot, out: Float64Array with room for at least one state) -> count
  Napi::Value Dump(const Napi::CallbackInfo& info) {
    Cache* cache = Open(info);
    uint32_t from;
    double* out;
    size_t length;
    if (cache == nullptr || !Arity(info, 2, "dump(fromSlot, out)") || !U32(info, 0, "fromSlot", &from) ||
        !Float64s(info, 1, "out", &out, &length))
      return Napi::Value();
    if (length < kStateWidth) {
      // Room for no state would return 0, which reads as "no more entries".
      Throw<Napi::RangeError>(info.Env(), "native cache: dump out must hold at least %d numbers, got %.17g",
                              kStateWidth, double(length));
      return Napi::Value();
    }
    uint32_t room = uint32_t(std::min<size_t>(length / kStateWidth, std::numeric_limits<uint32_t>::max()));
    return Napi::Number::New(info.Env(), cache->Dump(from, room, out));
  }

  Napi::Value Size(const Napi::CallbackInfo& info) {
    Cache* cache = Open(info);
    if (cache == nullptr) return Napi::Value();
    return Napi::Number::New(info.Env(), cache->size());
  }

  Napi::Value Bytes(const Napi::CallbackInfo& info) {
    Cache* cache = Open(info);
    if (cache == nullptr) return Napi::Value();
    return Napi::Number::New(info.Env(), double(cache->bytes()));
  }

  // Frees the entries now rather than at GC; a second close() does nothing.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    cache_.reset();
    return info.Env().Undefined();
  }

  // Owned here alone: close() and the finalizer (~NativeCache) both just drop it.
  std::unique_ptr<Cache> cache_;
  // Keeps scratch alive while scratch_ points into it.
  Napi::ObjectReference scratch_ref_;
  double* scratch_ = nullptr;
};

Napi::Object InitAll(Napi::Env env, Napi::Object exports) { return NativeCache::Init(env, exports); }

}  // namespace

NODE_API_MODULE(readstate_native, InitAll)
