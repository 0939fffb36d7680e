// Normalisation, one table per change it makes (docs/extract.md, "Normalisation"), with the
// failure modes of real report text: page breaks inside a sentence, footnote marks, full-width
// digits, thousands separators and spaces around numbers.
#include "extract/internal/normalize.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

namespace ixdb::extract {
namespace {

using internal::NormalizeText;

struct Case {
  std::string in, out;
};

void CheckCases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    INFO("input: '" << c.in << "'");
    CHECK(NormalizeText(c.in) == c.out);
  }
}

TEST_CASE("Normalize: full-width digits, letters and number signs become ASCII", "[extract]") {
  CheckCases({
      {"增长６％", "增长6%\n"},
      {"地区生产总值２００１１．６５亿元", "地区生产总值20011.65亿元\n"},
      {"ＦＤＩ增长２．６％", "FDI增长2.6%\n"},
      {"新增污水处理能力１１万吨／日", "新增污水处理能力11万吨/日\n"},
      {"增长５．５％～６％", "增长5.5%~6%\n"},
      // Chinese punctuation stays as it is written.
      {"增长6%，外贸（FDI）。", "增长6%，外贸（FDI）。\n"},
  });
}

TEST_CASE("Normalize: thousands separators are dropped, 56,708.71 stays one number", "[extract]") {
  CheckCases({
      {"总额56,708.71亿元", "总额56708.71亿元\n"},
      {"1,234,567人", "1234567人\n"},
      {"收入20,011亿元", "收入20011亿元\n"},
      // Not groups of three: a list or a typo, left alone.
      {"分别为51,91家", "分别为51,91家\n"},
      {"12,3456", "12,3456\n"},
      {"0.5,123", "0.5,123\n"},
  });
}

TEST_CASE("Normalize: footnote marks go, also between a label and its number", "[extract]") {
  CheckCases({
      {"地区生产总值[1]增长6%", "地区生产总值增长6%\n"},
      {"地区生产总值［2］增长6%", "地区生产总值增长6%\n"},
      {"城镇新增就业①29.3万人", "城镇新增就业29.3万人\n"},
      {"粮食产量⑵1.39万亿斤", "粮食产量1.39万亿斤\n"},
      {"GDP²增长5%", "GDP增长5%\n"},
      // Four digits in brackets are not a footnote (a document number).
      {"〔2024〕5号[2024]", "〔2024〕5号[2024]\n"},
  });
}

TEST_CASE("Normalize: a page break inside a sentence is removed", "[extract]") {
  CheckCases({
      // The seed's page breaks: a blank line in the middle of a word.
      {"项目投资攻坚发力。启动投资项目绩效综\n\n合评价试点，入库项目6236个。",
       "项目投资攻坚发力。启动投资项目绩效综合评价试点，入库项目6236个。\n"},
      {"关键技术提速攻关。全年技术合同成交额2198亿\n\n元。",
       "关键技术提速攻关。全年技术合同成交额2198亿元。\n"},
      {"推进右岸大道等6个进出城通道，完工通顺大道南延线等\r\n\r\n10条骨干道路项目。",
       "推进右岸大道等6个进出城通道，完工通顺大道南延线等10条骨干道路项目。\n"},
      // A form feed (PDF page) in the middle of a sentence.
      {"主要指标稳定，经济增长\f5%。", "主要指标稳定，经济增长5%。\n"},
      // What cannot open a paragraph continues the line before, even after a short line.
      {"经济增长\n，外贸增长5%。", "经济增长，外贸增长5%。\n"},
      {"能源安全\n%以上。", "能源安全%以上。\n"},
      // A short line without punctuation is a title or heading: it does not continue.
      {"启动投资项目绩效综\n\n合评价试点，入库项目6236个。",
       "启动投资项目绩效综\n\n合评价试点，入库项目6236个。\n"},
      // Lines of a PDF paragraph.
      {"新增城镇就业，\n增长5%。", "新增城镇就业，增长5%。\n"},
      // The sentence ended: the paragraph break stays.
      {"增长6%。\n\n增长7%。", "增长6%。\n\n增长7%。\n"},
      // A heading does not continue on the next line, nor does a title.
      {"一、2023年工作回顾\n\n过去一年，增长5%。", "一、2023年工作回顾\n\n过去一年，增长5%。\n"},
      {"政府工作报告\n\n各位代表：", "政府工作报告\n\n各位代表：\n"},
      // The next line opens a list item or a heading.
      {"主要预期目标如下\n- 增长6%。", "主要预期目标如下\n- 增长6%。\n"},
      {"增长6%，\n（二）加快产业转型", "增长6%，\n（二）加快产业转型\n"},
  });
}

TEST_CASE("Normalize: spaces around numbers go, spaces between Han characters stay", "[extract]") {
  CheckCases({
      {"入库项目 6236 个、总投资 77791 亿元", "入库项目6236个、总投资77791亿元\n"},
      {"普惠小微贷款增长 15% 以上", "普惠小微贷款增长15%以上\n"},
      {"全市总算力规模超 1200 P", "全市总算力规模超1200P\n"},
      {"建设“一刻钟便民生活圈” 25 个", "建设“一刻钟便民生活圈”25个\n"},
      {"2023 年", "2023年\n"},
      {"“畅享消费 乐购武汉”", "“畅享消费 乐购武汉”\n"},
      {"中国 5G + 工业互联网大会", "中国5G + 工业互联网大会\n"},
      {"国务院总理　李　强", "国务院总理 李 强\n"},
  });
}

TEST_CASE("Normalize: line ends, blank lines and invisible characters", "[extract]") {
  CheckCases({
      {"\xEF\xBB\xBF增长6%。", "增长6%。\n"},
      {"增长\u200b6%。", "增长6%。\n"},
      {"增长6%。\r\n\r\n\r\n\r\n增长7%。", "增长6%。\n\n增长7%。\n"},
      {"  增长6%。  ", "增长6%。\n"},
      {"", ""},
  });
}

}  // namespace
}  // namespace ixdb::extract
