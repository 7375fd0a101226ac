#include "tenant/kv_store.h"

namespace dnc::tenant {

void KvBatch::Put(std::string_view key, std::string_view value) {
  ops_.push_back({Op::Kind::kPut, std::string(key), std::string(value)});
}

void KvBatch::Insert(std::string_view key, std::string_view value) {
  ops_.push_back({Op::Kind::kInsert, std::string(key), std::string(value)});
}

void KvBatch::Delete(std::string_view key) {
  ops_.push_back({Op::Kind::kDelete, std::string(key), std::string()});
}

void KvBatch::DeleteRange(std::string_view begin, std::string_view end) {
  ops_.push_back(
      {Op::Kind::kDeleteRange, std::string(begin), std::string(end)});
}

}  // namespace dnc::tenant
