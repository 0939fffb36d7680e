#pragma once
// ixdb::Status and ixdb::Result<T>: the error objects every public function of every
// module returns (modelled on leveldb's Status). No exception crosses a module boundary.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ixdb {

class [[nodiscard]] Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kNotFound,
    kInvalidArgument,  // bad input from a user: a query, a file, a flag
    kIOError,          // the file system or the network failed
    kCorruption,       // stored data is not what was written
    kNotSupported,     // e.g. a store of a newer on-disk format
    kBusy,             // e.g. the data directory is locked by another process
    kLimitExceeded,    // a result or request larger than the configured limit
    kCancelled,        // stopped on request (a cancel, a time limit) before it finished
    kInternal,         // a bug: an invariant of ixdb itself did not hold
  };

  Status() = default;  // OK
  static Status OK() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status NotSupported(std::string msg) {
    return Status(Code::kNotSupported, std::move(msg));
  }
  static Status Busy(std::string msg) { return Status(Code::kBusy, std::move(msg)); }
  static Status LimitExceeded(std::string msg) {
    return Status(Code::kLimitExceeded, std::move(msg));
  }

  static Status Cancelled(std::string msg) { return Status(Code::kCancelled, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsNotSupported() const { return code_ == Code::kNotSupported; }
  bool IsBusy() const { return code_ == Code::kBusy; }
  bool IsLimitExceeded() const { return code_ == Code::kLimitExceeded; }
  bool IsCancelled() const { return code_ == Code::kCancelled; }
  bool IsInternal() const { return code_ == Code::kInternal; }
  Code code() const { return code_; }
  // The message without the code prefix.
  const std::string& message() const { return msg_; }

  // The same code with another message (an error re-worded where it is passed on).
  // REQUIRES: !ok().
  Status WithMessage(std::string msg) const { return Status(code_, std::move(msg)); }

  // "OK", or e.g. "Invalid argument: 1:7: expected ')'".
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), msg_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string msg_;
};

// A value or an error. REQUIRES: ok() before value().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit on purpose

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace ixdb
