// PDF input through poppler's C++ API: the text layer of every page, in reading order.
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <memory>
#include <vector>

#include "extract/internal/document_text.hpp"

namespace ixdb::extract::internal {

namespace {

// poppler prints syntax warnings of damaged files to stderr; the extractor reports its own
// errors instead.
void IgnorePopplerMessage(const std::string&, void*) {}

}  // namespace

Result<std::string> PdfToText(std::string_view bytes, std::string_view name) {
  poppler::set_debug_error_function(IgnorePopplerMessage, nullptr);
  std::vector<char> data(bytes.begin(), bytes.end());  // poppler keeps a pointer into it
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_data(&data));
  if (!doc) return Status::InvalidArgument(std::string(name) + ": not a readable PDF file");
  if (doc->is_locked()) {
    return Status::InvalidArgument(std::string(name) + ": the PDF is encrypted (locked)");
  }
  std::string text;
  bool any = false;
  for (int i = 0; i < doc->pages(); ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) continue;
    if (i > 0) text += '\f';
    const poppler::byte_array utf8 =
        page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
    text.append(utf8.begin(), utf8.end());
    for (char c : utf8) {
      if (c != ' ' && c != '\n' && c != '\r' && c != '\f') {
        any = true;
        break;
      }
    }
  }
  if (!any) {
    return Status::InvalidArgument(std::string(name) +
                                   ": the PDF has no text layer (a scan needs OCR first)");
  }
  return text;
}

}  // namespace ixdb::extract::internal
