#include "common/secret_file.h"

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"

namespace dnc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kGood[] = "3f9a0c1b2d4e5f60718293a4b5c6d7e8f9";  // 34 chars.

class SecretFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& bytes,
                    mode_t mode = 0600) {
    const std::string path = dir_.Path(name);
    std::ofstream(path, std::ios::binary) << bytes;
    chmod(path.c_str(), mode);
    return path;
  }
  test::ScratchDir dir_;
};

TEST_F(SecretFileTest, ReadsTheOneLineWithoutItsEndingOrBlanks) {
  for (const std::string& bytes :
       {std::string(kGood), std::string(kGood) + "\n",
        std::string(kGood) + "\r\n", "  " + std::string(kGood) + "\t\n"}) {
    const absl::StatusOr<std::string> secret =
        ReadSecretFile(Write("key", bytes), "--admin_key_file");
    ASSERT_TRUE(secret.ok()) << secret.status();
    EXPECT_EQ(*secret, kGood);
  }
}

TEST_F(SecretFileTest, RefusesAFileGroupOrOthersCanRead) {
  for (mode_t mode : {0640, 0604, 0660, 0644}) {
    const std::string path = Write("key", kGood, mode);
    const absl::StatusOr<std::string> secret =
        ReadSecretFile(path, "--admin_key_file");
    EXPECT_EQ(secret.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(secret.status().message(), HasSubstr("chmod 600 " + path));
    EXPECT_THAT(secret.status().message(), HasSubstr("--admin_key_file"));
    EXPECT_THAT(secret.status().message(), Not(HasSubstr(kGood)));
  }
}

TEST_F(SecretFileTest, RefusesEmptyShortOrMultiLineSecretsNamingTheFile) {
  const struct {
    std::string bytes;
    std::string says;
  } cases[] = {
      {"", "is empty"},
      {"\n", "is empty"},
      {"short-secret\n", "fewer than the 32"},
      {std::string(kGood) + "\n" + kGood + "\n", "more than one line"},
      {std::string(kGood) + "\x01", "not printable ASCII"},
      {std::string(5000, 'a'), "longer than 4096"},
  };
  for (const auto& c : cases) {
    const std::string path = Write("key", c.bytes);
    const absl::StatusOr<std::string> secret =
        ReadSecretFile(path, "--admin_key_file");
    EXPECT_EQ(secret.status().code(), absl::StatusCode::kInvalidArgument)
        << c.says;
    EXPECT_THAT(secret.status().message(), HasSubstr(c.says));
    EXPECT_THAT(secret.status().message(), HasSubstr(path));
  }
}

TEST_F(SecretFileTest, AMissingFileIsNotFoundNamingIt) {
  const absl::StatusOr<std::string> secret =
      ReadSecretFile(dir_.Path("nope"), "--admin_key_file");
  EXPECT_EQ(secret.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(secret.status().message(), HasSubstr(dir_.Path("nope")));
}

}  // namespace
}  // namespace dnc
