// HTML input through libxml2's HTML parser (tags removed, entities decoded, broken markup
// recovered the way browsers do).
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cstring>
#include <memory>
#include <string>

#include "common/strings.hpp"
#include "common/utf8.hpp"
#include "extract/internal/code_points.hpp"
#include "extract/internal/document_text.hpp"

namespace ixdb::extract::internal {

namespace {

bool NameIs(const xmlNode* node, const char* name) {
  return node->name != nullptr && std::strcmp(reinterpret_cast<const char*>(node->name), name) == 0;
}

bool IsSkipped(const xmlNode* node) {
  return NameIs(node, "script") || NameIs(node, "style") || NameIs(node, "noscript") ||
         NameIs(node, "template") || NameIs(node, "head");
}

// Elements after which a reader sees a new line.
bool IsBlock(const xmlNode* node) {
  static const char* const kBlocks[] = {
      "p",   "div", "br", "li", "ul",    "ol",      "tr",      "table",   "h1",     "h2",
      "h3",  "h4",  "h5", "h6", "title", "section", "article", "header",  "footer", "blockquote",
      "pre", "dd",  "dt", "dl", "hr",    "td",      "th",      "caption", "figure", "nav"};
  for (const char* b : kBlocks) {
    if (NameIs(node, b)) return true;
  }
  return false;
}

// Collects text, collapsing white space as a browser renders it.
class TextCollector {
 public:
  void Text(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
      const char32_t c = DecodeAt(s, &i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        pending_space_ = true;
        if (c == '\n') pending_newline_ = true;
        continue;
      }
      if (pending_space_ && !out_.empty() && out_.back() != '\n') {
        // CSS Text: a line break of the source between two Han characters is no space.
        const bool han_join = pending_newline_ && IsHan(last_) && IsHan(c);
        if (!han_join) out_.push_back(' ');
      }
      pending_space_ = pending_newline_ = false;
      AppendUtf8(&out_, c);
      last_ = c;
    }
  }
  void LineBreak() {
    pending_space_ = pending_newline_ = false;
    if (!out_.empty() && out_.back() != '\n') out_.push_back('\n');
    last_ = '\n';
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
  char32_t last_ = 0;
  bool pending_space_ = false;
  bool pending_newline_ = false;
};

void Walk(const xmlNode* node, TextCollector* out) {
  for (const xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content != nullptr) out->Text(reinterpret_cast<const char*>(n->content));
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) continue;
    if (IsSkipped(n)) continue;
    const bool block = IsBlock(n);
    if (block) out->LineBreak();
    Walk(n->children, out);
    if (block) out->LineBreak();
  }
}

// The <title> inside <head>, which Walk skips with the rest of the head.
const xmlNode* FindTitle(const xmlNode* node) {
  for (const xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (NameIs(n, "title")) return n;
    if (NameIs(n, "body")) continue;
    if (const xmlNode* t = FindTitle(n->children)) return t;
  }
  return nullptr;
}

bool DeclaresCharset(std::string_view bytes) {
  return ContainsIgnoreCase(bytes.substr(0, 4096), "charset");
}

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

}  // namespace

Result<std::string> HtmlToText(std::string_view bytes, std::string_view name) {
  const char* encoding = nullptr;  // libxml2 reads <meta charset>
  if (!DeclaresCharset(bytes)) encoding = ixdb::IsValidUtf8(bytes) ? "UTF-8" : "GB18030";
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                      HTML_PARSE_NONET | HTML_PARSE_NOBLANKS;
  std::unique_ptr<xmlDoc, DocFree> doc(htmlReadMemory(
      bytes.data(), static_cast<int>(bytes.size()), std::string(name).c_str(), encoding, options));
  if (!doc) return Status::InvalidArgument(std::string(name) + ": not readable as HTML");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr) return Status::InvalidArgument(std::string(name) + ": empty HTML document");
  TextCollector out;
  if (const xmlNode* title = FindTitle(root)) {
    Walk(title->children, &out);
    out.LineBreak();
  }
  Walk(root, &out);
  return out.Take();
}

}  // namespace ixdb::extract::internal
