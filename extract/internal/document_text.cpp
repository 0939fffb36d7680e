#include "extract/internal/document_text.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/strings.hpp"

namespace ixdb::extract::internal {

namespace {

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

}  // namespace

const char* DocumentFormName(DocumentForm form) {
  switch (form) {
    case DocumentForm::kText:
      return "text";
    case DocumentForm::kHtml:
      return "HTML";
    case DocumentForm::kPdf:
      return "PDF";
  }
  return "?";
}

DocumentForm DetectForm(std::string_view path, std::string_view bytes) {
  size_t start = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") start = 3;
  while (start < bytes.size() && (bytes[start] == ' ' || bytes[start] == '\t' ||
                                  bytes[start] == '\r' || bytes[start] == '\n')) {
    ++start;
  }
  const std::string_view body = bytes.substr(start);
  if (body.substr(0, 5) == "%PDF-") return DocumentForm::kPdf;
  if (EndsWithIgnoreCase(path, ".html") || EndsWithIgnoreCase(path, ".htm") ||
      EndsWithIgnoreCase(path, ".xhtml")) {
    return DocumentForm::kHtml;
  }
  const std::string head = Lower(body.substr(0, 1024));
  if (head.rfind("<!doctype html", 0) == 0 || head.rfind("<html", 0) == 0 ||
      head.find("<body") != std::string::npos || head.find("<head") != std::string::npos) {
    return DocumentForm::kHtml;
  }
  return DocumentForm::kText;
}

Result<DocumentText> ReadDocument(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IOError(path + ": read failed");
  const std::string bytes = ss.str();
  DocumentText doc;
  doc.form = DetectForm(path, bytes);
  auto convert = [&]() -> Result<std::string> {
    switch (doc.form) {
      case DocumentForm::kHtml:
        return HtmlToText(bytes, path);
      case DocumentForm::kPdf:
        return PdfToText(bytes, path);
      case DocumentForm::kText:
        break;
    }
    return DecodeText(bytes, path);
  };
  Result<std::string> text = convert();
  if (!text.ok()) return text.status();
  doc.text = std::move(text).value();
  return doc;
}

}  // namespace ixdb::extract::internal
