// ArenaMessageAllocator gives each unary call of a callback method its
// request and response on one protobuf Arena whose first block comes from a
// small pool of reused buffers. A batched Scrub answer holds one Reason
// message per listed number; allocated one by one on the heap and freed one
// by one after the response is sent, they made malloc/free a third of the
// server's CPU at 50% hits (BENCHMARKS.md, "Where the time goes"). On an
// arena they are bump-allocated in a buffer that is reused by the next call.
//
// Use: service.SetMessageAllocatorFor_Scrub(&allocator) before the server
// starts; the allocator must outlive the server.
//
// Thread-safety: thread-safe (the pool is guarded by a mutex; each holder is
// used by one call).
#ifndef DNC_SERVICE_ARENA_MESSAGE_ALLOCATOR_H_
#define DNC_SERVICE_ARENA_MESSAGE_ALLOCATOR_H_

#include <google/protobuf/arena.h>
#include <grpcpp/support/message_allocator.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace dnc::service {

template <typename Request, typename Response>
class ArenaMessageAllocator final
    : public grpc::MessageAllocator<Request, Response> {
 public:
  // `block_bytes`: the reused first block of each call's arena (a 10,000
  // number batch at 50% hits needs about 400 KB); calls needing more grow
  // the arena with ordinary blocks, freed with it. At most `pooled_blocks`
  // blocks are kept between calls.
  explicit ArenaMessageAllocator(size_t block_bytes = 1 << 20,
                                 size_t pooled_blocks = 16)
      : block_bytes_(block_bytes), pooled_blocks_(pooled_blocks) {}

  grpc::MessageHolder<Request, Response>* AllocateMessages() override {
    return new Holder(this, TakeBlock());
  }

 private:
  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder(ArenaMessageAllocator* owner, std::unique_ptr<char[]> block)
        : owner_(owner), block_(std::move(block)) {
      google::protobuf::ArenaOptions options;
      options.initial_block = block_.get();
      options.initial_block_size = owner_->block_bytes_;
      arena_.emplace(options);
      this->set_request(
          google::protobuf::Arena::CreateMessage<Request>(&*arena_));
      this->set_response(
          google::protobuf::Arena::CreateMessage<Response>(&*arena_));
    }
    void Release() override {
      arena_.reset();  // Frees the grown blocks; the first one is ours.
      owner_->ReturnBlock(std::move(block_));
      delete this;
    }

   private:
    ArenaMessageAllocator* const owner_;
    std::unique_ptr<char[]> block_;
    std::optional<google::protobuf::Arena> arena_;
  };

  std::unique_ptr<char[]> TakeBlock() {
    {
      absl::MutexLock lock(&mu_);
      if (!pool_.empty()) {
        std::unique_ptr<char[]> block = std::move(pool_.back());
        pool_.pop_back();
        return block;
      }
    }
    return std::unique_ptr<char[]>(new char[block_bytes_]);
  }

  void ReturnBlock(std::unique_ptr<char[]> block) {
    absl::MutexLock lock(&mu_);
    if (pool_.size() < pooled_blocks_) pool_.push_back(std::move(block));
  }

  const size_t block_bytes_;
  const size_t pooled_blocks_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<char[]>> pool_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dnc::service

#endif  // DNC_SERVICE_ARENA_MESSAGE_ALLOCATOR_H_
