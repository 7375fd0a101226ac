// The tenant-store tests run on both backends: TEST_P over Backend, each
// test given a StoreLocation: a directory of its own (embedded RocksDB) or
// a database of its own, migrated, in one PostgreSQL server per test
// process (started at the first PostgreSQL test, stopped at exit).
// Thread-safety: thread-compatible.
#ifndef DNC_TESTS_TENANT_TENANT_STORE_BACKENDS_H_
#define DNC_TESTS_TENANT_TENANT_STORE_BACKENDS_H_

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "tenant/tenant_store.h"
#include "tests/testing/postgres_cluster.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::tenant {

enum class Backend { kRocksDb, kPostgres };

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kRocksDb ? "RocksDb" : "Postgres";
}

// The server every PostgreSQL test of this process uses; nullptr (with a
// test failure) if it cannot start.
inline test::PostgresCluster* SharedPostgres() {
  static std::unique_ptr<test::PostgresCluster> cluster = [] {
    std::string error;
    std::unique_ptr<test::PostgresCluster> started =
        test::PostgresCluster::Start(&error);
    if (started == nullptr) ADD_FAILURE() << error;
    return started;
  }();
  return cluster.get();
}

// Where one test's store lives, and a scratch directory for its other
// files.
class StoreLocation {
 public:
  explicit StoreLocation(Backend backend) : backend_(backend) {
    if (backend == Backend::kRocksDb) {
      location_ = scratch_.Path("tenants");
      return;
    }
    test::PostgresCluster* cluster = SharedPostgres();
    if (cluster == nullptr) return;
    location_ = cluster->NewDatabase();
    EXPECT_FALSE(location_.empty()) << cluster->Log();
    const absl::Status migrated = TenantStore::Migrate(location_);
    EXPECT_TRUE(migrated.ok()) << migrated;
  }

  Backend backend() const { return backend_; }
  // The store: a directory or a postgresql:// URL.
  const std::string& path() const { return location_; }
  // A scratch file or directory.
  std::string Path(const std::string& name) const {
    return scratch_.Path(name);
  }

 private:
  const Backend backend_;
  test::ScratchDir scratch_;
  std::string location_;
};

}  // namespace dnc::tenant

#endif  // DNC_TESTS_TENANT_TENANT_STORE_BACKENDS_H_
