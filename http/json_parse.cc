#include "http/json_parse.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "service/field_rules.h"

namespace dnc::http {
namespace {

using nlohmann::json;

// nlohmann's DOM builder, watched: every event is forwarded to it, and the
// first error (its own, a repeated key, too deep) stops the parse with a
// message instead of an exception.
class StrictSax {
 public:
  StrictSax(json* root, size_t max_depth, size_t text_size)
      : dom_(*root, /*allow_exceptions=*/false),
        max_depth_(max_depth),
        text_size_(text_size) {}

  const std::string& error() const { return error_; }

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(json::number_integer_t value) {
    return dom_.number_integer(value);
  }
  bool number_unsigned(json::number_unsigned_t value) {
    return dom_.number_unsigned(value);
  }
  bool number_float(json::number_float_t value, const json::string_t& text) {
    return dom_.number_float(value, text);
  }
  bool string(json::string_t& value) { return dom_.string(value); }
  bool binary(json::binary_t& value) { return dom_.binary(value); }

  bool start_object(std::size_t size) {
    if (!Enter()) return false;
    keys_.emplace_back();
    return dom_.start_object(size);
  }
  bool key(json::string_t& key) {
    if (!keys_.back().insert(key).second) {
      error_ =
          absl::StrCat("request body has the key \"", service::EchoValue(key),
                       "\" twice in one object; send each field once");
      return false;
    }
    return dom_.key(key);
  }
  bool end_object() {
    keys_.pop_back();
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t size) {
    if (!Enter()) return false;
    keys_.emplace_back();  // Keeps keys_ in step with depth.
    return dom_.start_array(size);
  }
  bool end_array() {
    keys_.pop_back();
    --depth_;
    return dom_.end_array();
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) {
    // what() is "[json.exception.parse_error.101] parse error at line 1,
    // column 5: syntax error while parsing value - ...; last read: '...'".
    std::string what = error.what();
    const size_t bracket = what.find("] ");
    if (bracket != std::string::npos) what.erase(0, bracket + 2);
    const size_t last_read = what.find("; last read: ");
    if (last_read != std::string::npos) what.erase(last_read);
    // `position` counts the bytes read, the one that broke the parse
    // included (the end of the input counts as one).
    const size_t at = std::min(text_size_, position > 0 ? position - 1 : 0);
    error_ = absl::StrCat("request body is not valid JSON at byte ", at,
                          " (0-based): ", what);
    return false;
  }

 private:
  bool Enter() {
    if (++depth_ > max_depth_) {
      error_ = absl::StrCat("request body nests deeper than ", max_depth_,
                            " levels, more than this API's requests need");
      return false;
    }
    return true;
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  const size_t max_depth_;
  const size_t text_size_;
  size_t depth_ = 0;
  std::vector<std::set<std::string>> keys_;
  std::string error_;
};

}  // namespace

absl::Status ParseJson(std::string_view text, size_t max_depth, json* out) {
  *out = json();
  StrictSax sax(out, max_depth, text.size());
  const bool ok = json::sax_parse(text.data(), text.data() + text.size(), &sax);
  if (ok) return absl::OkStatus();
  *out = json();
  return absl::InvalidArgumentError(
      sax.error().empty() ? "request body is not valid JSON" : sax.error());
}

}  // namespace dnc::http
