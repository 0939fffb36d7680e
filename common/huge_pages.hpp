#pragma once
// Large buffers backed by transparent huge pages. A bulk load holds every row of a file several
// times over (parsed, grouped, batched) in memory it touches for the first time: with 4 KiB
// pages that is a page fault per 4 KiB, and on a virtual machine each fault costs more than the
// work done on the page (bench/load: 40% of a 10M-row load). Asking the kernel for 2 MiB pages
// makes that one fault per 2 MiB. Nothing changes but speed: where transparent huge pages are
// off ("never") or unknown to the platform the advice is ignored.

#include <cstddef>
#include <vector>

namespace ixdb {

// Advises the kernel to back the 2 MiB-aligned part of [data, data + bytes) with huge pages
// (madvise MADV_HUGEPAGE). Only ranges of at least 4 MiB are advised: smaller ones gain little.
// The memory must be anonymous (heap or mmap) and stay allocated while advised; its contents
// are untouched. Thread-safe.
void AdviseHugePages(void* data, size_t bytes);

// Reserves room for `n` elements in `v` and advises that room as above (before it is first
// written, so that the first writes fault in huge pages). Does nothing when the capacity is
// already enough.
template <typename T>
void ReserveHuge(std::vector<T>& v, size_t n) {
  if (v.capacity() >= n) return;
  v.reserve(n);
  AdviseHugePages(v.data(), v.capacity() * sizeof(T));
}

}  // namespace ixdb
