// The native contender: read states in one malloc'd array of structs outside the V8 heap, with
// the same design as typed-array.ts (open-addressing index, intrusive LRU and dirty lists).
// The GC never sees an entry; JS reaches them through a handful of calls that take and return
// numbers only, and a Float64Array shared with the JS wrapper for whole states.
#include <napi.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

constexpr uint32_t kNone = 0xffffffffu;   // end of a list
constexpr uint32_t kClean = 0xfffffffeu;  // in dirty_prev: not on the dirty list
constexpr double kIndexLoadFactor = 0.75;
constexpr int kStateWidth = 5;  // userId, channelId, lastRead, mentions, updatedAt

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
  explicit Cache(uint32_t capacity)
      : capacity_(capacity),
        buckets_(std::max<uint64_t>(uint64_t(capacity) + 1, uint64_t(capacity / kIndexLoadFactor) + 1)),
        entries_(static_cast<Entry*>(std::calloc(capacity, sizeof(Entry)))),
        index_(static_cast<uint32_t*>(std::calloc(buckets_, sizeof(uint32_t)))) {}
  ~Cache() { Release(); }

  bool ok() const { return entries_ != nullptr && index_ != nullptr; }
  uint32_t size() const { return size_; }
  uint64_t bytes() const { return ok() ? uint64_t(capacity_) * sizeof(Entry) + buckets_ * sizeof(uint32_t) : 0; }

  void Release() {
    std::free(entries_);
    std::free(index_);
    entries_ = nullptr;
    index_ = nullptr;
    size_ = 0;
  }

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

  uint32_t capacity_;
  uint64_t buckets_;
  Entry* entries_;
  uint32_t* index_;
  uint32_t size_ = 0;
  uint32_t head_ = kNone, tail_ = kNone;
  uint32_t dirty_head_ = kNone, dirty_tail_ = kNone;
};

// The JS face: every method takes and returns numbers; whole states go through Float64Arrays.
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

  // new NativeCache(capacity, scratch: Float64Array(5))
  NativeCache(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeCache>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsTypedArray()) {
      Napi::TypeError::New(env, "NativeCache(capacity, scratch Float64Array)").ThrowAsJavaScriptException();
      return;
    }
    uint32_t capacity = info[0].As<Napi::Number>().Uint32Value();
    scratch_ref_ = Napi::Persistent(info[1].As<Napi::Float64Array>());
    scratch_ = scratch_ref_.Value().Data();
    cache_ = new Cache(capacity);
    if (!cache_->ok()) {
      delete cache_;
      cache_ = nullptr;
      Napi::Error::New(env, "native cache: out of memory").ThrowAsJavaScriptException();
    }
  }
  ~NativeCache() override { delete cache_; }

 private:
  static uint32_t U32(const Napi::Value& v) { return v.As<Napi::Number>().Uint32Value(); }
  static double F64(const Napi::Value& v) { return v.As<Napi::Number>().DoubleValue(); }

  Napi::Value Read(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), cache_->Read(U32(info[0]), U32(info[1]), scratch_));
  }
  Napi::Value Ack(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), cache_->Ack(U32(info[0]), U32(info[1]), F64(info[2]), F64(info[3])));
  }
  Napi::Value Mention(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), cache_->Mention(U32(info[0]), U32(info[1]), F64(info[2])));
  }
  Napi::Value Insert(const Napi::CallbackInfo& info) {
    bool evicted = cache_->Insert(U32(info[0]), U32(info[1]), F64(info[2]), U32(info[3]), F64(info[4]), scratch_);
    return Napi::Boolean::New(info.Env(), evicted);
  }
  // drain(olderThan, max, out: Float64Array) -> count
  Napi::Value Drain(const Napi::CallbackInfo& info) {
    Napi::Float64Array out = info[2].As<Napi::Float64Array>();
    uint32_t room = static_cast<uint32_t>(out.ElementLength() / kStateWidth);
    uint32_t max = U32(info[1]);
    return Napi::Number::New(info.Env(), cache_->Drain(F64(info[0]), max < room ? max : room, out.Data()));
  }
  // dump(fromSlot, out: Float64Array) -> count
  Napi::Value Dump(const Napi::CallbackInfo& info) {
    Napi::Float64Array out = info[1].As<Napi::Float64Array>();
    uint32_t room = static_cast<uint32_t>(out.ElementLength() / kStateWidth);
    return Napi::Number::New(info.Env(), cache_->Dump(U32(info[0]), room, out.Data()));
  }
  Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), cache_->size()); }
  Napi::Value Bytes(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(cache_->bytes())); }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    cache_->Release();
    return info.Env().Undefined();
  }

  Cache* cache_ = nullptr;
  Napi::Reference<Napi::Float64Array> scratch_ref_;
  double* scratch_ = nullptr;
};

Napi::Object InitAll(Napi::Env env, Napi::Object exports) { return NativeCache::Init(env, exports); }

}  // namespace

NODE_API_MODULE(readstate_native, InitAll)
