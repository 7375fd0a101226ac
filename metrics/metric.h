// The values a metric holds, updated on the hot path of every call: Counter,
// CounterVec (counters over one label's fixed values, e.g. status codes),
// Gauge and Histogram. An update is one relaxed atomic add on the calling
// thread's shard (no lock, no allocation, no lookup): each thread adds to
// one of kShards copies of the cells, each copy on its own cache lines, so
// threads on different cores do not fight over a line; a scrape sums the
// copies. Label sets are fixed when a metric is registered
// (metrics/metric_registry.h), never resolved per update.
//
// A scrape is not a snapshot: cells read one after another while updates
// go on. Every cell only grows, so each value read is one the metric held
// at some moment; a histogram's count is the sum of its buckets as read, so
// its buckets and count always agree (its sum may be an update ahead).
//
// Thread-safety: thread-safe.
#ifndef DNC_METRICS_METRIC_H_
#define DNC_METRICS_METRIC_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace dnc::metrics {

// Copies of each metric's cells; threads are spread over them round-robin.
inline constexpr size_t kShards = 8;

// The calling thread's shard, fixed at its first update.
size_t NextShard();
inline size_t ThisThreadShard() {
  static thread_local const size_t shard = NextShard();
  return shard;
}

// `cells` counters, kShards copies of them.
class ShardedCells {
 public:
  explicit ShardedCells(size_t cells);
  ShardedCells(const ShardedCells&) = delete;
  ShardedCells& operator=(const ShardedCells&) = delete;

  // REQUIRES: cell < size().
  void Add(size_t cell, uint64_t n) {
    Line& line = lines_[ThisThreadShard() * lines_per_shard_ + cell / 8];
    line.cells[cell % 8].fetch_add(n, std::memory_order_relaxed);
  }
  // The sum over the shards.
  uint64_t Sum(size_t cell) const;
  size_t size() const { return size_; }

 private:
  struct alignas(64) Line {
    std::atomic<uint64_t> cells[8];
  };
  const size_t size_;
  const size_t lines_per_shard_;
  std::unique_ptr<Line[]> lines_;
};

class Counter {
 public:
  void Inc(uint64_t n = 1) { cells_.Add(0, n); }
  uint64_t Value() const { return cells_.Sum(0); }

 private:
  ShardedCells cells_{1};
};

// Counters for the values of one label, by index (e.g. one per gRPC status
// code), in one block of cells.
class CounterVec {
 public:
  explicit CounterVec(size_t size) : cells_(size) {}
  // REQUIRES: index < size().
  void Inc(size_t index, uint64_t n = 1) { cells_.Add(index, n); }
  uint64_t Value(size_t index) const { return cells_.Sum(index); }
  size_t size() const { return cells_.size(); }

 private:
  ShardedCells cells_;
};

// A value set now and then (not on a hot path): one atomic.
class Gauge {
 public:
  void Set(double value) {
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    bits_.store(bits, std::memory_order_relaxed);
  }
  double Value() const {
    const uint64_t bits = bits_.load(std::memory_order_relaxed);
    double value;
    std::memcpy(&value, &bits, sizeof(value));
    return value;
  }

 private:
  std::atomic<uint64_t> bits_{0};  // 0.0
};

// Observations of an integer quantity (e.g. nanoseconds) counted into
// buckets with fixed upper bounds, exposed divided by `per_exposed` (1e9 to
// expose nanoseconds as seconds: dividing by an exact power of ten gives
// bounds that print as 1e-05, not 1.0000000000000001e-05); the sum is kept
// exactly, in the observed unit.
class Histogram {
 public:
  // REQUIRES: bounds (observed units) strictly increasing, non-empty;
  // per_exposed > 0.
  Histogram(std::vector<uint64_t> bounds, double per_exposed);

  void Observe(uint64_t value) {
    // First bound >= value (Prometheus buckets are "le", less or equal).
    size_t lo = 0, hi = bounds_.size();
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (bounds_[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    cells_.Add(lo, 1);
    cells_.Add(bounds_.size() + 1, value);
  }

  // Bounds in exposed units (bounds / per_exposed), e.g. seconds.
  std::vector<double> ExposedBounds() const;
  // Per bucket, not cumulative: bounds().size() + 1 counts, the last one
  // above every bound.
  std::vector<uint64_t> BucketCounts() const;
  // The sum of the observations, in exposed units.
  double Sum() const;
  uint64_t Count() const;
  const std::vector<uint64_t>& bounds() const { return bounds_; }

 private:
  const std::vector<uint64_t> bounds_;
  const double per_exposed_;
  ShardedCells cells_;  // Buckets, the overflow bucket, the sum.
};

// Nanosecond bounds fit for call latencies from 10 us to 10 s: 1-2.5-5 per
// decade (10 us, 25 us, 50 us, 100 us, ... 5 s, 10 s).
std::vector<uint64_t> LatencyBoundsNanos();

}  // namespace dnc::metrics

#endif  // DNC_METRICS_METRIC_H_
