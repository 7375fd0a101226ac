#include "metrics/metric.h"

#include <utility>

#include "common/logging.h"

namespace dnc::metrics {

size_t NextShard() {
  static std::atomic<size_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed) % kShards;
}

ShardedCells::ShardedCells(size_t cells)
    : size_(cells),
      lines_per_shard_((cells + 7) / 8),
      lines_(new Line[kShards * lines_per_shard_]) {
  DNC_CHECK(cells > 0);
  for (size_t i = 0; i < kShards * lines_per_shard_; ++i) {
    for (std::atomic<uint64_t>& cell : lines_[i].cells) {
      cell.store(0, std::memory_order_relaxed);
    }
  }
}

uint64_t ShardedCells::Sum(size_t cell) const {
  uint64_t sum = 0;
  for (size_t shard = 0; shard < kShards; ++shard) {
    sum += lines_[shard * lines_per_shard_ + cell / 8].cells[cell % 8].load(
        std::memory_order_relaxed);
  }
  return sum;
}

Histogram::Histogram(std::vector<uint64_t> bounds, double per_exposed)
    : bounds_(std::move(bounds)),
      per_exposed_(per_exposed),
      cells_(bounds_.size() + 2) {
  DNC_CHECK(!bounds_.empty());
  DNC_CHECK(per_exposed_ > 0);
  for (size_t i = 1; i < bounds_.size(); ++i) {
    DNC_CHECK(bounds_[i - 1] < bounds_[i]) << "histogram bounds must increase";
  }
}

std::vector<double> Histogram::ExposedBounds() const {
  std::vector<double> bounds;
  bounds.reserve(bounds_.size());
  for (const uint64_t bound : bounds_) {
    bounds.push_back(static_cast<double>(bound) / per_exposed_);
  }
  return bounds;
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> counts;
  counts.reserve(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) counts.push_back(cells_.Sum(i));
  return counts;
}

double Histogram::Sum() const {
  return static_cast<double>(cells_.Sum(bounds_.size() + 1)) / per_exposed_;
}

uint64_t Histogram::Count() const {
  uint64_t count = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) count += cells_.Sum(i);
  return count;
}

std::vector<uint64_t> LatencyBoundsNanos() {
  std::vector<uint64_t> bounds;
  for (uint64_t decade = 10'000; decade <= 1'000'000'000; decade *= 10) {
    bounds.push_back(decade);
    bounds.push_back(decade * 5 / 2);
    bounds.push_back(decade * 5);
  }
  bounds.push_back(10'000'000'000);  // 10 s.
  return bounds;
}

}  // namespace dnc::metrics
