#include "common/status.hpp"

namespace ixdb {

std::string Status::ToString() const {
  const char* prefix = "";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      prefix = "Not found: ";
      break;
    case Code::kInvalidArgument:
      prefix = "Invalid argument: ";
      break;
    case Code::kIOError:
      prefix = "IO error: ";
      break;
    case Code::kCorruption:
      prefix = "Corruption: ";
      break;
    case Code::kNotSupported:
      prefix = "Not supported: ";
      break;
    case Code::kBusy:
      prefix = "Busy: ";
      break;
    case Code::kLimitExceeded:
      prefix = "Limit exceeded: ";
      break;
    case Code::kCancelled:
      prefix = "Cancelled: ";
      break;
    case Code::kInternal:
      prefix = "Internal error: ";
      break;
  }
  return prefix + msg_;
}

}  // namespace ixdb
