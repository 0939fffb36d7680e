#pragma once
// The three forms reports are published in, read into UTF-8 text (internal): plain text in
// UTF-8 or GB18030 (also UTF-16 with a byte-order mark), HTML (libxml2's HTML parser removes
// tags and decodes entities) and PDF (poppler's C++ API, text layer only). Nothing here
// normalises: see normalize.hpp.

#include <string>
#include <string_view>

#include "common/status.hpp"

namespace ixdb::extract::internal {

enum class DocumentForm { kText, kHtml, kPdf };
const char* DocumentFormName(DocumentForm form);  // "text", "HTML", "PDF"

// PDF by its "%PDF-" signature; HTML by the file name (.html, .htm, .xhtml) or by a leading
// <!DOCTYPE html>, <html, or a <body/<head tag in the first kilobyte; anything else is text.
DocumentForm DetectForm(std::string_view path, std::string_view bytes);

// Plain text: UTF-8 (a BOM is dropped), UTF-16 with a BOM, else GB18030. InvalidArgument
// "name:line:column: bad encoding ..." naming the first byte that is neither.
Result<std::string> DecodeText(std::string_view bytes, std::string_view name);

// HTML: the text of <title> and <body> without <script>, <style>, <noscript> and <template>;
// block elements and <br> end lines; white space collapses as a browser shows it (a line break
// between two Han characters disappears). The encoding comes from the document's <meta
// charset> when it names one, else UTF-8 if the bytes are valid UTF-8, else GB18030.
Result<std::string> HtmlToText(std::string_view bytes, std::string_view name);

// PDF: each page's text in reading order, pages separated by a form feed (which
// normalisation treats as a page break). InvalidArgument for a file poppler cannot open, a
// locked file or one without a text layer (a scan).
Result<std::string> PdfToText(std::string_view bytes, std::string_view name);

struct DocumentText {
  DocumentForm form = DocumentForm::kText;
  std::string text;  // UTF-8, not yet normalised
};

// Reads `path` and converts it by its form. IOError when the file cannot be read.
Result<DocumentText> ReadDocument(const std::string& path);

}  // namespace ixdb::extract::internal
