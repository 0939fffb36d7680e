#pragma once
// The PEGTL grammar of report sentences, and nothing else: no actions, no state. A sentence
// of normalised text (normalize.hpp) is read as a run of tokens — facts (a number with its
// unit and the words around it), periods, dates, estimate markers, clause punctuation — with
// any other character in between; sentence_reader.cpp selects the tokens into a parse tree and
// turns them into plain structs. docs/extract.md describes each rule with examples.
// Internal header: include only from extract/*.cpp and tests (it pulls in PEGTL).
//
// Design notes:
//  - Input is normalised first (no thousands separators, no footnote marks, no line breaks
//    inside a sentence, no spaces around numbers), so the rules stay small; Number still takes
//    "56,708.71" whole for text that did not go through normalisation.
//  - Look-aheads (at<>, not_at<>) use only unselected rules, so that no parse-tree node is
//    left behind by a look-ahead.
//  - Words that share a prefix are listed longest first (不低于 before 低于, 达到 before 达).

#include <tao/pegtl.hpp>

namespace ixdb::extract::grammar {

namespace pegtl = tao::pegtl;
namespace u8 = pegtl::utf8;
using pegtl::alnum;
using pegtl::alpha;
using pegtl::at;
using pegtl::digit;
using pegtl::eof;
using pegtl::not_at;
using pegtl::one;
using pegtl::opt;
using pegtl::plus;
using pegtl::rep;
using pegtl::rep_min_max;
using pegtl::seq;
using pegtl::sor;
using pegtl::star;

// clang-format off

// ---- Characters ----
struct Han : u8::ranges<0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xF900, 0xFAFF> {};
struct AnyChar : u8::any {};
// Clause punctuation, each its own rule so that the reader can tell a comma from a semicolon.
struct Comma : sor<u8::one<U'，'>, one<','>> {};
struct Semicolon : sor<u8::one<U'；'>, one<';'>> {};
struct Colon : sor<u8::one<U'：'>, one<':'>> {};
// For look-aheads only (unselected): what may follow a complete quantity.
struct EndPunct : sor<u8::one<U'，', U'；', U'：', U'。', U'！', U'？', U'、', U'）', U'”'>,
                      one<',', ';', ':', '!', '?', ')', '\n', '.'>, eof> {};
struct ClauseEnd : sor<u8::one<U'，', U'；', U'：', U'。', U'！', U'？'>, one<',', ';', ':', '!', '?', '\n'>> {};

// ---- Numbers ----
struct Digits : plus<digit> {};
struct GroupedDigits : seq<rep_min_max<1, 3, digit>, plus<one<','>, rep<3, digit>>, not_at<digit>> {};
struct Fraction : seq<one<'.'>, Digits> {};
// 6, 0.3, 20011.65, 56,708.71 (not 1.2.3).
struct Number : seq<sor<GroupedDigits, Digits>, opt<Fraction>, not_at<one<'.'>, digit>> {};
// 2300余场, 6600多万: "more than" between the number and its unit.
struct ApproxMore : u8::one<U'多', U'余'> {};

// ---- Units ----
struct Scale : sor<TAO_PEGTL_STRING("万亿"), TAO_PEGTL_STRING("千亿"), TAO_PEGTL_STRING("亿"),
                   TAO_PEGTL_STRING("千万"), TAO_PEGTL_STRING("百万"), TAO_PEGTL_STRING("万")> {};
struct PercentUnit : sor<one<'%'>, TAO_PEGTL_STRING("个百分点"), TAO_PEGTL_STRING("百分点"),
                         u8::one<U'‰'>> {};
// Money and physical amounts.
struct MeasureUnit : sor<TAO_PEGTL_STRING("平方公里"), TAO_PEGTL_STRING("平方千米"),
                         TAO_PEGTL_STRING("平方米"), TAO_PEGTL_STRING("立方米"),
                         TAO_PEGTL_STRING("吨标准煤"), TAO_PEGTL_STRING("吨标煤"),
                         TAO_PEGTL_STRING("千瓦时"), TAO_PEGTL_STRING("千伏安"),
                         TAO_PEGTL_STRING("千瓦"), TAO_PEGTL_STRING("标箱"),
                         TAO_PEGTL_STRING("公顷"), TAO_PEGTL_STRING("公里"),
                         TAO_PEGTL_STRING("千米"), TAO_PEGTL_STRING("公斤"),
                         TAO_PEGTL_STRING("千克"), TAO_PEGTL_STRING("美元"),
                         TAO_PEGTL_STRING("欧元"), TAO_PEGTL_STRING("港元"),
                         TAO_PEGTL_STRING("小时"),
                         u8::one<U'元', U'吨', U'斤', U'亩', U'米', U'升', U'天', U'岁', U'倍'>> {};
// Classifiers of counted things.
struct CountUnit : sor<TAO_PEGTL_STRING("人次"), TAO_PEGTL_STRING("场次"), TAO_PEGTL_STRING("架次"),
                       TAO_PEGTL_STRING("艘次"), TAO_PEGTL_STRING("户次"), TAO_PEGTL_STRING("大项"),
                       TAO_PEGTL_STRING("小项"),
                       u8::one<U'个', U'家', U'项', U'条', U'列', U'场', U'栋', U'座', U'处', U'所',
                               U'户', U'名', U'人', U'件', U'套', U'辆', U'台', U'艘', U'架', U'部',
                               U'张', U'只', U'头', U'次', U'批', U'种', U'类', U'株', U'棵', U'间',
                               U'宗', U'份', U'册', U'块', U'颗', U'篇', U'笔', U'趟', U'幅'>> {};
struct AsciiUnit : seq<sor<TAO_PEGTL_STRING("EFLOPS"), TAO_PEGTL_STRING("PFLOPS"),
                           TAO_PEGTL_STRING("TFLOPS"), TAO_PEGTL_STRING("kWh"),
                           TAO_PEGTL_STRING("GWh"), TAO_PEGTL_STRING("TWh"), TAO_PEGTL_STRING("kW"),
                           TAO_PEGTL_STRING("MW"), TAO_PEGTL_STRING("GW"), TAO_PEGTL_STRING("TEU"),
                           TAO_PEGTL_STRING("Gbps"), TAO_PEGTL_STRING("Mbps"),
                           TAO_PEGTL_STRING("km"), one<'P'>>,
                       not_at<alnum>> {};
// 万吨/日, 元/人.
struct PerUnit : seq<one<'/'>, sor<TAO_PEGTL_STRING("万人"), TAO_PEGTL_STRING("小时"),
                                   TAO_PEGTL_STRING("平方米"),
                                   u8::one<U'日', U'天', U'年', U'月', U'人', U'户', U'吨', U'亩'>>> {};
// 万套（间）.
struct ParenUnit : seq<u8::one<U'（'>, Han, opt<Han>, u8::one<U'）'>> {};
struct BaseUnit : sor<MeasureUnit, CountUnit, AsciiUnit> {};
struct ScaledUnit : seq<opt<Scale>, BaseUnit, opt<PerUnit>, opt<ParenUnit>> {};
// A scale without a unit ends the quantity only at punctuation or a comparator word:
// "务工规模超过3300万。" yes, "迈上2万亿新台阶" and "6600多万纳税人" no.
struct SuffixAhead : sor<TAO_PEGTL_STRING("以上"), TAO_PEGTL_STRING("以内"), TAO_PEGTL_STRING("以下"),
                         TAO_PEGTL_STRING("左右")> {};
struct BareScale : seq<Scale, at<sor<EndPunct, SuffixAhead>>> {};
struct Unit : sor<PercentUnit, ScaledUnit, BareScale> {};
struct Quantity : seq<Number, opt<ApproxMore>, Unit> {};

// ---- Comparator and change words ----
struct AtLeastSuffix : sor<TAO_PEGTL_STRING("以上"), TAO_PEGTL_STRING("之上"), TAO_PEGTL_STRING("有余")> {};
struct AtMostSuffix : sor<TAO_PEGTL_STRING("以内"), TAO_PEGTL_STRING("以下"), TAO_PEGTL_STRING("之内")> {};
struct AboutSuffix : sor<TAO_PEGTL_STRING("左右"), seq<TAO_PEGTL_STRING("上下"), not_at<u8::one<U'游'>>>> {};
struct Suffix : sor<AtLeastSuffix, AtMostSuffix, AboutSuffix> {};

// 比上年增长, 同比下降: the base of a change (part of the indicator, not a period).
struct CompareBase : sor<TAO_PEGTL_STRING("同比"), TAO_PEGTL_STRING("环比"),
                         seq<u8::one<U'比', U'较'>,
                             sor<TAO_PEGTL_STRING("上年同期"), TAO_PEGTL_STRING("上年末"),
                                 TAO_PEGTL_STRING("上年"), TAO_PEGTL_STRING("去年同期"),
                                 TAO_PEGTL_STRING("去年"), TAO_PEGTL_STRING("年初")>>> {};
// Verbs that reach a level (the number is the level, not a change): 提高到66.2%, 达1.7万家.
struct LevelVerb : sor<TAO_PEGTL_STRING("提高到"), TAO_PEGTL_STRING("提高至"),
                       TAO_PEGTL_STRING("提升到"), TAO_PEGTL_STRING("提升至"),
                       TAO_PEGTL_STRING("增加到"), TAO_PEGTL_STRING("增加至"),
                       TAO_PEGTL_STRING("增长到"), TAO_PEGTL_STRING("增长至"),
                       TAO_PEGTL_STRING("上升到"), TAO_PEGTL_STRING("上升至"),
                       TAO_PEGTL_STRING("扩大到"), TAO_PEGTL_STRING("扩大至"),
                       TAO_PEGTL_STRING("降低到"), TAO_PEGTL_STRING("降低至"),
                       TAO_PEGTL_STRING("下降到"), TAO_PEGTL_STRING("下降至"),
                       TAO_PEGTL_STRING("减少到"), TAO_PEGTL_STRING("减少至"),
                       TAO_PEGTL_STRING("缩小到"), TAO_PEGTL_STRING("缩小至"),
                       TAO_PEGTL_STRING("延长到"), TAO_PEGTL_STRING("延长至"),
                       TAO_PEGTL_STRING("缩短到"), TAO_PEGTL_STRING("缩短至"),
                       TAO_PEGTL_STRING("增至"), TAO_PEGTL_STRING("降至"),
                       TAO_PEGTL_STRING("达到"), u8::one<U'达'>> {};
// Change words: the number is a change (增长6%, 下降0.3个百分点).
struct ChangeUp : sor<TAO_PEGTL_STRING("增长"), TAO_PEGTL_STRING("提高"), TAO_PEGTL_STRING("增加"),
                      TAO_PEGTL_STRING("上涨"), TAO_PEGTL_STRING("上升"), TAO_PEGTL_STRING("提升"),
                      TAO_PEGTL_STRING("扩大"), TAO_PEGTL_STRING("增速"), TAO_PEGTL_STRING("增幅"),
                      TAO_PEGTL_STRING("涨幅"), TAO_PEGTL_STRING("增产"), TAO_PEGTL_STRING("多增"),
                      TAO_PEGTL_STRING("增收"), TAO_PEGTL_STRING("升值")> {};
struct ChangeDown : sor<TAO_PEGTL_STRING("下降"), TAO_PEGTL_STRING("降低"), TAO_PEGTL_STRING("减少"),
                        TAO_PEGTL_STRING("回落"), TAO_PEGTL_STRING("下滑"), TAO_PEGTL_STRING("缩小"),
                        TAO_PEGTL_STRING("降幅"), TAO_PEGTL_STRING("减产"), TAO_PEGTL_STRING("少增"),
                        TAO_PEGTL_STRING("减收"), TAO_PEGTL_STRING("贬值")> {};
struct ChangeWord : sor<ChangeUp, ChangeDown> {};
struct AtLeastPrefix : sor<TAO_PEGTL_STRING("不少于"), TAO_PEGTL_STRING("不低于"),
                           TAO_PEGTL_STRING("超过"), TAO_PEGTL_STRING("突破"),
                           TAO_PEGTL_STRING("至少"), TAO_PEGTL_STRING("多于"),
                           TAO_PEGTL_STRING("高于"), u8::one<U'超'>> {};
struct AtMostPrefix : sor<TAO_PEGTL_STRING("不超过"), TAO_PEGTL_STRING("不高于"),
                          TAO_PEGTL_STRING("低于"), TAO_PEGTL_STRING("少于")> {};
// 控制在3%左右 (a ceiling with tolerance), 控制在5%以内.
struct CeilingPrefix : TAO_PEGTL_STRING("控制在") {};
// 保持在90万人以上: the suffix says which way.
struct HoldPrefix : sor<TAO_PEGTL_STRING("保持在"), TAO_PEGTL_STRING("稳定在"),
                        TAO_PEGTL_STRING("维持在")> {};
struct AboutPrefix : sor<TAO_PEGTL_STRING("大约"), TAO_PEGTL_STRING("接近"), u8::one<U'约', U'近'>> {};
struct ComparatorPrefix : sor<AtLeastPrefix, AtMostPrefix, CeilingPrefix, HoldPrefix, AboutPrefix> {};
struct Prefix : seq<opt<CompareBase>, opt<sor<LevelVerb, ChangeWord>>, opt<u8::one<U'了'>>,
                    opt<ComparatorPrefix>> {};
// 每人每月940元: what the number is per (the unit stays as written).
struct PerPhrase : plus<seq<u8::one<U'每'>,
                            sor<TAO_PEGTL_STRING("万人"), TAO_PEGTL_STRING("千人"),
                                TAO_PEGTL_STRING("百人"),
                                u8::one<U'人', U'户', U'年', U'月', U'日', U'天', U'吨', U'亩'>>>> {};

// ---- Facts ----
// 50亿元以上项目: a class of projects, not an amount (the count after it is the fact).
struct ClassThreshold : seq<Number, opt<Scale>, MeasureUnit,
                            sor<TAO_PEGTL_STRING("以上"), TAO_PEGTL_STRING("以下")>, at<Han>> {};
struct FactItem : seq<Prefix, opt<PerPhrase>, not_at<ClassThreshold>, Quantity, opt<Suffix>> {};
// 增长5.5%—6%, 3至5个: a range, written as such (the store has no comparator for it yet).
struct RangeSep : sor<one<'-', '~'>, u8::one<U'—', U'–', U'至', U'到'>> {};
struct RangeFact : seq<Prefix, Number, opt<Unit>, RangeSep, Number, Unit, opt<Suffix>> {};
// 分别 (再 / 又 / 均): each of the subjects before it, in order.
struct Respectively : seq<TAO_PEGTL_STRING("分别"), opt<u8::one<U'再', U'又', U'均', U'都'>>> {};
struct Each : u8::one<U'各'> {};
struct ListSep : u8::one<U'、', U'和', U'及', U'与'> {};
// 提升4个、10个、3个位次: rank changes are not quantities.
struct RankTail : sor<TAO_PEGTL_STRING("位次"), TAO_PEGTL_STRING("名次")> {};
// One quantity, or a list of them (分别达到51家、91家; 接待游客3.3亿人次、增长62.4%).
struct Fact : seq<opt<sor<Respectively, Each>>, FactItem, star<ListSep, FactItem>, not_at<RankTail>> {};

// 与经济增长同步: a target relative to another indicator.
struct SyncWord : seq<opt<TAO_PEGTL_STRING("基本")>, opt<TAO_PEGTL_STRING("保持")>, TAO_PEGTL_STRING("同步")> {};
struct RelativeTo : plus<not_at<sor<SyncWord, ClauseEnd>>, AnyChar> {};
struct RelativeAim : seq<u8::one<U'与', U'和', U'同'>, RelativeTo, SyncWord> {};
// 绿色工业园区实现破零: the first one (at least 1).
struct BreakZero : seq<opt<TAO_PEGTL_STRING("实现")>,
                       sor<TAO_PEGTL_STRING("破零"), TAO_PEGTL_STRING("零的突破"), TAO_PEGTL_STRING("零突破")>> {};

// ---- Dates and periods ----
struct Year4 : seq<sor<TAO_PEGTL_STRING("19"), TAO_PEGTL_STRING("20")>, digit, digit, not_at<digit>> {};
struct MonthNum : seq<rep_min_max<1, 2, digit>, not_at<digit>> {};
struct Nian : u8::one<U'年'> {};
struct Yue : u8::one<U'月'> {};
struct RangeDash : sor<one<'-', '~'>, u8::one<U'—', U'–', U'至', U'到'>> {};
// 2024年3月5日, 3月5日.
struct DayDate : seq<opt<Year4, Nian>, MonthNum, Yue, MonthNum, u8::one<U'日', U'号'>> {};
// 2021-2025年, 2021—2023年.
struct YearSpan : seq<Year4, RangeDash, Year4, Nian> {};
// 2023年12月 (a single month).
struct MonthMention : seq<opt<Year4, Nian>, MonthNum, Yue, opt<u8::one<U'份'>>, not_at<MonthNum>> {};
struct YearEndWord : u8::one<U'末', U'底'> {};
// 2023年, 2023年度, 2023年末.
struct YearMention : seq<Year4, Nian, opt<sor<u8::one<U'度'>, YearEndWord>>> {};
// 2020年以来: a span up to now.
struct SinceYear : seq<YearMention, sor<TAO_PEGTL_STRING("以来"), TAO_PEGTL_STRING("以前")>> {};
// 比2020年, 与2019年相比: a base of comparison, not the period.
struct CompareYear : sor<seq<u8::one<U'比', U'较'>, YearMention>,
                         seq<u8::one<U'与', U'同'>, YearMention, TAO_PEGTL_STRING("相比")>> {};
// 1-11月, 1至5月份 (a year-to-date span).
struct MonthSpan : seq<MonthNum, RangeDash, MonthNum, Yue, opt<u8::one<U'份'>>> {};
// 前10个月.
struct MonthsSoFar : seq<u8::one<U'前'>, MonthNum, TAO_PEGTL_STRING("个月")> {};
struct FirstQuarter : sor<TAO_PEGTL_STRING("第一季度"), TAO_PEGTL_STRING("一季度")> {};
struct SecondQuarter : sor<TAO_PEGTL_STRING("第二季度"), TAO_PEGTL_STRING("二季度")> {};
struct ThirdQuarter : sor<TAO_PEGTL_STRING("第三季度"), TAO_PEGTL_STRING("三季度")> {};
struct FourthQuarter : sor<TAO_PEGTL_STRING("第四季度"), TAO_PEGTL_STRING("四季度")> {};
struct FirstHalf : TAO_PEGTL_STRING("上半年") {};
struct SecondHalf : TAO_PEGTL_STRING("下半年") {};
struct FirstThreeQuarters : TAO_PEGTL_STRING("前三季度") {};
struct FullYear : sor<TAO_PEGTL_STRING("全年"), TAO_PEGTL_STRING("年末"), TAO_PEGTL_STRING("年底")> {};
struct ThisYear : TAO_PEGTL_STRING("今年") {};
struct LastYear : sor<TAO_PEGTL_STRING("去年"), TAO_PEGTL_STRING("过去一年"), TAO_PEGTL_STRING("上一年")> {};
// "十四五"以来, 十三五时期: the years of a five-year plan so far (a span).
struct FivePlanNumber : u8::one<U'一', U'二', U'三', U'四', U'五', U'六'> {};
struct FivePlanName : seq<u8::one<U'十'>, FivePlanNumber, u8::one<U'五'>> {};
struct PlanPeriodSince : seq<opt<u8::one<U'“', U'"'>>, FivePlanName, opt<u8::one<U'”', U'"'>>,
                             sor<TAO_PEGTL_STRING("以来"), TAO_PEGTL_STRING("期间"), TAO_PEGTL_STRING("时期")>> {};
// 过去五年.
struct PastYears : seq<TAO_PEGTL_STRING("过去"), u8::one<U'三', U'五', U'十'>, Nian> {};
// 比上年 / 较去年 without a change after it: keeps 去年 from being read as the period.
struct CompareText : seq<u8::one<U'比', U'较'>, sor<TAO_PEGTL_STRING("上年同期"), TAO_PEGTL_STRING("上年"),
                                                  TAO_PEGTL_STRING("去年同期"), TAO_PEGTL_STRING("去年")>> {};

// ---- Numbers that are not quantities ----
// 第3、12、16名, 第九届 (no digits: left alone), 第二轮.
struct Ordinal : seq<u8::one<U'第'>, Number, star<ListSep, Number>> {};
// 前10名, 前500强.
struct TopRank : seq<u8::one<U'前'>, Number, opt<u8::one<U'名', U'位', U'强'>>> {};
// C919, 5G's G, FDI, LNG: a Latin word with its digits is a name.
struct AsciiWord : seq<alpha, star<alnum>> {};
// Digits that no rule took (12315, 1+4, 2023德国...): skipped whole, never read from the middle.
struct NumberRun : plus<sor<digit, one<'.'>>> {};

// 每条产业链, 每个区: what follows is allotted per item, not a total (每万人 is a ratio and stays).
struct PerItem : seq<u8::one<U'每'>, u8::one<U'条', U'个', U'家', U'项', U'所', U'座', U'处', U'栋', U'类',
                                                 U'种', U'批'>,
                     not_at<u8::one<U'月', U'季', U'年', U'人'>>> {};

// ---- Markers ----
struct EstimateMark : sor<TAO_PEGTL_STRING("预计"), TAO_PEGTL_STRING("有望"), TAO_PEGTL_STRING("预估"),
                          TAO_PEGTL_STRING("估计")> {};
struct FinalMark : TAO_PEGTL_STRING("最终核实") {};
struct VerifiedMark : TAO_PEGTL_STRING("初步核实") {};
struct PreliminaryMark : sor<TAO_PEGTL_STRING("初步核算"), TAO_PEGTL_STRING("初步")> {};
// 力争: every plain figure after it in the sentence is a floor.
struct StriveMark : TAO_PEGTL_STRING("力争") {};

// ---- A sentence ----
struct Token : sor<DayDate, YearSpan, SinceYear, CompareYear, MonthMention, YearMention, MonthSpan,
                   MonthsSoFar, PlanPeriodSince, PastYears, Ordinal, TopRank, ClassThreshold,
                   RelativeAim, BreakZero, RangeFact, Fact, CompareText, FirstThreeQuarters, FirstQuarter,
                   SecondQuarter, ThirdQuarter, FourthQuarter, FirstHalf, SecondHalf, FullYear,
                   ThisYear, LastYear, EstimateMark, FinalMark, VerifiedMark, PreliminaryMark,
                   StriveMark, PerItem, Comma, Semicolon, Colon, AsciiWord, NumberRun> {};
struct Sentence : seq<star<sor<Token, AnyChar>>, eof> {};

// clang-format on

}  // namespace ixdb::extract::grammar
