#include "server/handler.hpp"

#include <cstdint>
#include <exception>
#include <limits>
#include <new>

#include "common/date.hpp"
#include "load/loader.hpp"

namespace ixdb::server {
namespace {

Response ErrorResponse(const Status& status, std::string what) {
  Response r;
  r.payload = EncodeError(status);
  r.ok = false;
  r.summary = std::move(what) + ": " + status.ToString();
  return r;
}

// Compares without an early exit so that the time taken does not reveal how much of a guessed
// token was right.
bool TokenMatches(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i]) ^
            static_cast<unsigned char>(expected.empty() ? 0 : expected[i % expected.size()]);
  }
  return diff == 0;
}

Result<load::LoadOptions> MakeLoadOptions(const ParsedRequest& req, const std::string& command) {
  load::LoadOptions options;
  Result<load::Format> format = load::ParseFormat(req.format);
  if (!format.ok()) return Status::InvalidArgument("options.format: " + format.status().message());
  options.format = *format;
  Result<load::Encoding> encoding = load::ParseEncoding(req.encoding);
  if (!encoding.ok()) {
    return Status::InvalidArgument("options.encoding: " + encoding.status().message());
  }
  options.encoding = *encoding;
  if (!req.vintage.empty()) {
    Result<Date> vintage = ParseDate(req.vintage);
    if (!vintage.ok()) {
      return Status::InvalidArgument("options.vintage: " + vintage.status().message());
    }
    options.vintage = *vintage;
  }
  // Never skip_bad_path: a network client must not make the server write files.
  options.command = command;
  return options;
}

std::string JoinNames(const std::vector<LoadFile>& files) {
  std::string out;
  for (const LoadFile& f : files) {
    if (!out.empty()) out += ' ';
    out += f.name;
  }
  return out;
}

Response HandleLoad(const Request& request, const ParsedRequest& req, DataBackend& backend,
                    const HandlerConfig& config) {
  if (!config.writes_allowed) {
    return ErrorResponse(
        Status::NotSupported("writes are disabled: this server listens on a non-loopback address "
                             "without a token (start it with a token to allow loads)"),
        "load refused");
  }
  if (!config.token.empty() && !TokenMatches(req.token, config.token)) {
    return ErrorResponse(Status::InvalidArgument(req.token.empty()
                                                     ? "this server requires a token for loads"
                                                     : "wrong token for loads"),
                         "load refused");
  }
  std::string command = "load (remote";
  if (!request.peer.empty()) command += " from " + request.peer;
  command += ") " + JoinNames(req.files);
  Result<load::LoadOptions> options = MakeLoadOptions(req, command);
  if (!options.ok()) return ErrorResponse(options.status(), "load failed");
  Result<load::LoadReport> report = backend.Load(req.files, *options);
  if (!report.ok()) return ErrorResponse(report.status(), "load failed");
  const LoadSummary summary{report->summary, report->rows_read, report->seconds};
  Response r;
  // The text `ixdb load` prints for a local load, so that a remote load reads the same.
  r.payload = EncodeLoadResponse(summary, report->notes, load::FormatLoadSummary(*report));
  r.summary = "load ok: id " + std::to_string(report->summary.load_id) + ", " +
              std::to_string(report->rows_read) + " rows";
  return r;
}

Response Dispatch(const Request& request, DataBackend& backend, const HandlerConfig& config) {
  Result<ParsedRequest> parsed = ParseRequest(request.payload);
  if (!parsed.ok()) return ErrorResponse(parsed.status(), "bad request");
  const ParsedRequest& req = *parsed;
  Response r;
  switch (req.op) {
    case Op::kPing:
      r.payload = EncodePong();
      r.summary = "ping";
      return r;
    case Op::kHello:
      r.payload = EncodeHello(config.version, config.max_frame_bytes, config.writes_allowed,
                              !config.token.empty());
      r.summary = "hello";
      return r;
    case Op::kQuery: {
      Result<query::Table> table = backend.Query(req.query);
      if (!table.ok()) return ErrorResponse(table.status(), "query failed");
      r.payload = EncodeTable(*table);
      r.summary = "query ok: " + std::to_string(table->rows.size()) + " rows";
      return r;
    }
    case Op::kLoad:
      return HandleLoad(request, req, backend, config);
  }
  return ErrorResponse(Status::InvalidArgument("unknown op"), "bad request");
}

}  // namespace

Response HandleRequest(const Request& request, DataBackend& backend,
                       const HandlerConfig& config) {
  // Exceptions stop here: a failing request answers with an error and the server goes on.
  try {
    Response r = Dispatch(request, backend, config);
    if (r.payload.size() > std::numeric_limits<uint32_t>::max()) {
      return ErrorResponse(Status::LimitExceeded("the response (" +
                                                 std::to_string(r.payload.size()) +
                                                 " bytes) is larger than a frame can carry"),
                           "response too large");
    }
    return r;
  } catch (const std::bad_alloc&) {
    return ErrorResponse(Status::LimitExceeded("out of memory answering the request"),
                         "internal error");
  } catch (const std::exception& e) {
    return ErrorResponse(Status::IOError(std::string("internal error: ") + e.what()),
                         "internal error");
  } catch (...) {
    return ErrorResponse(Status::IOError("internal error"), "internal error");
  }
}

}  // namespace ixdb::server
