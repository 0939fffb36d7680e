// The three forms reports are published in: text (UTF-8, GB18030, UTF-16), HTML and PDF, read
// through the parsers the module uses (libxml2, poppler), and their errors.
#include "extract/internal/document_text.hpp"

#include <iconv.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "extract/extract.hpp"
#include "tests/common/test_util.hpp"

namespace ixdb::extract {
namespace {

using internal::DecodeText;
using internal::DetectForm;
using internal::DocumentForm;
using internal::HtmlToText;
using internal::PdfToText;

std::string Encode(const char* to, const std::string& utf8) {
  iconv_t cd = iconv_open(to, "UTF-8");
  REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 4 + 8, '\0');
  char* src = const_cast<char*>(utf8.data());
  size_t left = utf8.size();
  char* dst = out.data();
  size_t room = out.size();
  REQUIRE(iconv(cd, &src, &left, &dst, &room) != static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - room);
  return out;
}

// A one-font PDF whose text is written page by page with a Type0 font (Identity-H) and a
// ToUnicode map, as typesetting programs write Chinese; each string is one line.
std::string MakePdf(const std::vector<std::vector<std::u32string>>& pages) {
  std::vector<std::string> objects;
  const size_t first_page = 3;
  const size_t font = first_page + pages.size() * 2;
  std::string kids;
  for (size_t i = 0; i < pages.size(); ++i) kids += std::to_string(first_page + 2 * i) + " 0 R ";
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) +
                    " >>");
  for (size_t i = 0; i < pages.size(); ++i) {
    std::string content = "BT /F1 12 Tf 72 720 Td 16 TL\n";
    for (const auto& line : pages[i]) {
      content += "<";
      for (char32_t c : line) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(c));
        content += hex;
      }
      content += "> Tj T*\n";
    }
    content += "ET";
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents " +
                      std::to_string(first_page + 2 * i + 1) + " 0 R /Resources << /Font << /F1 " +
                      std::to_string(font) + " 0 R >> >> >>");
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                      "\nendstream");
  }
  const std::string cmap =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
      "endcodespacerange\n1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\nendcmap\n"
      "CMapName currentdict /CMap defineresource pop\nend\nend";
  objects.push_back(
      "<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H /DescendantFonts [" +
      std::to_string(font + 1) + " 0 R] /ToUnicode " + std::to_string(font + 2) + " 0 R >>");
  objects.push_back(
      "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo << /Registry (Adobe) "
      "/Ordering (Identity) /Supplement 0 >> /FontDescriptor " +
      std::to_string(font + 3) + " 0 R /DW 1000 /CIDToGIDMap /Identity >>");
  objects.push_back("<< /Length " + std::to_string(cmap.size()) + " >>\nstream\n" + cmap +
                    "\nendstream");
  objects.push_back(
      "<< /Type /FontDescriptor /FontName /Song /Flags 4 /FontBBox [0 -200 1000 900] "
      "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>");
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t o : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

TEST_CASE("Document: the form is told by signature, name and content", "[extract]") {
  CHECK(DetectForm("report.txt", "%PDF-1.7 ...") == DocumentForm::kPdf);
  CHECK(DetectForm("report", "\xEF\xBB\xBF  %PDF-1.4") == DocumentForm::kPdf);
  CHECK(DetectForm("report.HTML", "关于") == DocumentForm::kHtml);
  CHECK(DetectForm("report", "<!DOCTYPE html><html>") == DocumentForm::kHtml);
  CHECK(DetectForm("report", "\n<html lang=zh>") == DocumentForm::kHtml);
  CHECK(DetectForm("x", "<meta charset=utf-8><body>增长6%</body>") == DocumentForm::kHtml);
  CHECK(DetectForm("report.txt", "关于武汉市2023年") == DocumentForm::kText);
  CHECK(DetectForm("a.csv", "indicator,period") == DocumentForm::kText);
}

TEST_CASE("Document: text in UTF-8, GB18030 and UTF-16", "[extract]") {
  const std::string utf8 = "地区生产总值增长6%左右。";
  CHECK(*DecodeText(utf8, "a.txt") == utf8);
  CHECK(*DecodeText("\xEF\xBB\xBF" + utf8, "a.txt") == utf8);
  CHECK(*DecodeText(Encode("GB18030", utf8), "a.txt") == utf8);
  CHECK(*DecodeText(Encode("GBK", "城镇新增就业25万人以上"), "a.txt") == "城镇新增就业25万人以上");
  CHECK(*DecodeText("\xFF\xFE" + Encode("UTF-16LE", utf8), "a.txt") == utf8);
  CHECK(*DecodeText("\xFE\xFF" + Encode("UTF-16BE", utf8), "a.txt") == utf8);
  // Neither: the error names the place.
  auto bad = DecodeText("第一行\n增长\xFF\xFF", "bad.txt");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "bad.txt:2:3: bad encoding: byte 0xFF is neither UTF-8 nor GB18030");
}

TEST_CASE("Document: HTML without tags, scripts and entities", "[extract]") {
  const std::string html =
      "<!DOCTYPE html><html><head><title>关于2023年计划执行情况的报告</title>"
      "<style>p{color:red}</style><script>var x = '增长99%';</script></head><body>"
      "<h1>一、2023年工作回顾</h1><p>地区生产总值增长<b>6%</b>&nbsp;左右，外贸&amp;外资稳定。</p>"
      "<p>城镇新增就业\n29.3万人，经济\n增长&#x4E00;点。<br>年末常住人口1377万人。</p>"
      "<noscript>请启用脚本</noscript></body></html>";
  auto text = HtmlToText(html, "r.html");
  REQUIRE_OK(text.status());
  CHECK(text->find("关于2023年计划执行情况的报告\n") == 0);  // the title
  CHECK(text->find("一、2023年工作回顾\n") != std::string::npos);
  CHECK(text->find("地区生产总值增长6%\xC2\xA0左右，外贸&外资稳定。") != std::string::npos);
  // A source line break between two Han characters is no space; before a digit it is one.
  CHECK(text->find("城镇新增就业 29.3万人，经济增长一点。\n年末常住人口1377万人。") !=
        std::string::npos);
  CHECK(text->find("99%") == std::string::npos);
  CHECK(text->find("color") == std::string::npos);
  CHECK(text->find("请启用脚本") == std::string::npos);

  // A page in GB2312 that says so.
  const std::string gb =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
      "</head><body><p>" +
      Encode("GB2312", "粮食产量1.39万亿斤。") + "</p></body></html>";
  auto decoded = HtmlToText(gb, "gb.html");
  REQUIRE_OK(decoded.status());
  CHECK(decoded->find("粮食产量1.39万亿斤。") != std::string::npos);
  // Without a charset, bytes that are not UTF-8 are GB18030.
  auto guessed =
      HtmlToText("<html><body>" + Encode("GB18030", "增长6%") + "</body></html>", "g.html");
  REQUIRE_OK(guessed.status());
  CHECK(guessed->find("增长6%") != std::string::npos);
}

TEST_CASE("Document: PDF text page by page, and PDF errors", "[extract]") {
  const std::string pdf = MakePdf({{U"一、2023年工作回顾", U"经济运行稳定，地区生产总值增长"},
                                   {U"6%左右，城镇新增就业29.3万人。"}});
  auto text = PdfToText(pdf, "r.pdf");
  REQUIRE_OK(text.status());
  CHECK(text->find("地区生产总值增长") != std::string::npos);
  CHECK(text->find('\f') != std::string::npos);  // the page break

  auto not_pdf = PdfToText("%PDF-1.4\nnot really", "broken.pdf");
  REQUIRE_FALSE(not_pdf.ok());
  CHECK(not_pdf.status().message() == "broken.pdf: not a readable PDF file");
  auto empty = PdfToText(MakePdf({{}}), "scan.pdf");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message() == "scan.pdf: the PDF has no text layer (a scan needs OCR first)");
}

TEST_CASE("Document: ExtractFile reads HTML and PDF reports to the same candidates as text",
          "[extract]") {
  test::TempDir dir;
  const std::string body =
      "各位代表：\n\n一、2023年工作回顾\n\n经济运行稳定，地区生产总值增长6%左右，城镇新增就业29."
      "3万人。\n";
  ExtractOptions options;
  options.plan_year = 2024;
  auto from_text = ExtractFile(dir.Write("r.txt", Encode("GB18030", body)), options);
  REQUIRE_OK(from_text.status());
  CHECK(from_text->form == "text");

  const std::string html =
      "<html><body><p>各位代表：</p><h2>一、2023年工作回顾</h2>"
      "<p>经济运行稳定，地区生产总值增长6%左右，城镇新增就业29.3万人。</p></body></html>";
  auto from_html = ExtractFile(dir.Write("r.html", html), options);
  REQUIRE_OK(from_html.status());
  CHECK(from_html->form == "HTML");

  // In the PDF the sentence is broken over two pages.
  auto from_pdf = ExtractFile(
      dir.Write("r.pdf",
                MakePdf({{U"各位代表：", U"一、2023年工作回顾", U"经济运行稳定，地区生产总值增长"},
                         {U"6%左右，城镇新增就业29.3万人。"}})),
      options);
  REQUIRE_OK(from_pdf.status());
  CHECK(from_pdf->form == "PDF");

  for (const Extraction* ex : {&*from_text, &*from_html, &*from_pdf}) {
    INFO(ex->form << ": " << ex->text);
    REQUIRE(ex->candidates.size() == 2);
    CHECK(ex->candidates[0].indicator == "gdp_growth");
    CHECK(ex->candidates[0].value == "6");
    CHECK(ex->candidates[0].qualifier == "~");
    CHECK(ex->candidates[0].source == "地区生产总值增长6%左右");
    CHECK(ex->candidates[1].indicator == "new_urban_jobs");
    CHECK(ex->candidates[1].value == "29.3");
  }

  auto missing = ExtractFile(dir.Sub("nothing.txt"), options);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().IsIOError());
}

}  // namespace
}  // namespace ixdb::extract
