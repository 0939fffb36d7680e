#include "storage/internal/decoded_series_cache.hpp"

#include <cstring>

namespace ixdb::storage::internal {

namespace {

void PutLength(size_t n, std::string* out) {
  const auto v = static_cast<uint32_t>(n);
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}

}  // namespace

size_t DecodedSeries::Bytes() const {
  const VersionColumns& c = versions;
  size_t n = sizeof(DecodedSeries) + source.capacity() + run_starts.capacity() * sizeof(uint32_t);
  n += c.period.capacity() * sizeof(int32_t) + c.vintage.capacity() * sizeof(int32_t);
  n += (c.seq.capacity() + c.load_id.capacity()) * sizeof(uint64_t);
  n += c.value.capacity() * sizeof(double);
  n += c.status.capacity() + c.qualifier.capacity() + c.deleted.capacity() + c.extent.capacity();
  n += (c.stage.capacity() + c.source.capacity()) * sizeof(uint32_t);
  for (const std::string& s : c.strings) n += sizeof(std::string) + s.capacity();
  return n;
}

void AppendChunkSource(std::string_view key, std::string_view blob, std::string* source) {
  PutLength(key.size(), source);
  PutLength(blob.size(), source);
  source->append(key);
  source->append(blob);
}

Status DecodeSeriesSource(DecodedSeries* series, std::string* scratch, std::string_view* bad_key) {
  std::string_view rest = series->source;
  while (!rest.empty()) {
    uint32_t key_size, blob_size;
    std::memcpy(&key_size, rest.data(), 4);
    std::memcpy(&blob_size, rest.data() + 4, 4);
    const std::string_view key = rest.substr(8, key_size);
    const std::string_view blob = rest.substr(8 + key_size, blob_size);
    rest.remove_prefix(8 + key_size + blob_size);
    Status s = DecodeChunk(blob, &series->versions, scratch, &series->run_starts);
    if (!s.ok()) {
      *bad_key = key;
      return s;
    }
  }
  return Status::OK();
}

namespace {

// The newer of two generations an entry's bytes were seen at (kUnknown counts as none).
uint64_t Newer(uint64_t a, uint64_t b) {
  if (a == WriteGeneration::kUnknown) return b;
  if (b == WriteGeneration::kUnknown) return a;
  return a > b ? a : b;
}

}  // namespace

std::shared_ptr<const DecodedSeries> DecodedSeriesCache::Find(uint32_t id, std::string_view source,
                                                              uint64_t generation) {
  if (capacity_ == 0) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(id);
  if (it == slots_.end() || it->second.entry->source != source) return nullptr;
  it->second.generation = Newer(it->second.generation, generation);
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.entry;
}

std::shared_ptr<const DecodedSeries> DecodedSeriesCache::FindAtGeneration(uint32_t id,
                                                                          uint64_t generation) {
  if (capacity_ == 0 || generation == WriteGeneration::kUnknown) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(id);
  if (it == slots_.end() || it->second.generation != generation) return nullptr;
  ++generation_hits_;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.entry;
}

void DecodedSeriesCache::Insert(uint32_t id, std::shared_ptr<const DecodedSeries> entry,
                                uint64_t generation) {
  if (capacity_ == 0) return;
  const size_t bytes = entry->Bytes();
  if (bytes > capacity_ / 4) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(id);
  if (it != slots_.end()) {
    // A view older than the entry's generation (or of unknown generation) keeps what it decoded
    // to itself: replacing the newer entry would make the views after it decode again.
    const uint64_t kept = it->second.generation;
    if (kept != WriteGeneration::kUnknown &&
        (generation == WriteGeneration::kUnknown || generation < kept)) {
      return;
    }
    bytes_ -= it->second.bytes;
    it->second.entry = std::move(entry);
    it->second.bytes = bytes;
    it->second.generation = generation;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  } else {
    lru_.push_front(id);
    slots_.emplace(id, Slot{std::move(entry), bytes, lru_.begin(), generation});
  }
  bytes_ += bytes;
  EvictLocked();
}

void DecodedSeriesCache::EvictLocked() {
  while (bytes_ > capacity_ && !lru_.empty()) {
    auto it = slots_.find(lru_.back());
    bytes_ -= it->second.bytes;
    slots_.erase(it);
    lru_.pop_back();
  }
}

size_t DecodedSeriesCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t DecodedSeriesCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return slots_.size();
}

uint64_t DecodedSeriesCache::generation_hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_hits_;
}

}  // namespace ixdb::storage::internal
