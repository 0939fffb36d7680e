#pragma once
// The PEGTL grammar of the ixdb query language, and nothing else: no actions, no state.
// docs/query-language.md gives the same grammar in EBNF. Actions (parser.cpp) build the AST.
// Internal header: include only from query/*.cpp and tests (it pulls in PEGTL).
//
// Design notes:
//  - Alternatives that would fire actions and then backtrack are guarded by at<> look-aheads
//    (actions are disabled inside at<>), so an action never runs for input that is later
//    re-parsed differently.
//  - must<> follows each keyword and punctuation so that errors carry the position and a
//    per-rule message (parser.cpp, kErrorMessage).

#include <tao/pegtl.hpp>

namespace ixdb::query::grammar {

namespace pegtl = tao::pegtl;
using pegtl::alnum;
using pegtl::alpha;
using pegtl::at;
using pegtl::digit;
using pegtl::eof;
using pegtl::if_must;
using pegtl::list;
using pegtl::must;
using pegtl::not_at;
using pegtl::not_one;
using pegtl::one;
using pegtl::opt;
using pegtl::plus;
using pegtl::rep;
using pegtl::seq;
using pegtl::sor;
using pegtl::star;

// clang-format off
struct Comment : seq<one<'#'>, star<not_one<'\n'>>> {};
struct Sp : star<sor<one<' ', '\t', '\r', '\n'>, Comment>> {};
struct IdentFirst : sor<alpha, one<'_'>> {};
struct IdentOther : sor<alnum, one<'_'>> {};
struct Ident : seq<IdentFirst, star<IdentOther>> {};
struct NonAscii : pegtl::utf8::range<0x80, 0x10FFFF> {};

template <typename Word> struct Kw : seq<Word, not_at<IdentOther>> {};
struct KwIn : Kw<TAO_PEGTL_STRING("in")> {};
struct KwWhere : Kw<TAO_PEGTL_STRING("where")> {};
struct KwOrder : Kw<TAO_PEGTL_STRING("order")> {};
struct KwBy : Kw<TAO_PEGTL_STRING("by")> {};
struct KwLimit : Kw<TAO_PEGTL_STRING("limit")> {};
struct KwAnd : Kw<TAO_PEGTL_STRING("and")> {};
struct KwOr : Kw<TAO_PEGTL_STRING("or")> {};
struct KwNot : Kw<TAO_PEGTL_STRING("not")> {};
struct KwAsc : Kw<TAO_PEGTL_STRING("asc")> {};
struct KwDesc : Kw<TAO_PEGTL_STRING("desc")> {};
struct KwNull : Kw<TAO_PEGTL_STRING("null")> {};

// Punctuation, each its own rule so that must<> says which one was expected.
struct LParen : one<'('> {};
struct RParen : one<')'> {};
struct RBracket : one<']'> {};
struct Comma : one<','> {};
struct Equals : one<'='> {};
struct ArgSep : seq<Sp, Comma, Sp> {};

// Literals.
struct Digits : plus<digit> {};
struct Exponent : seq<one<'e', 'E'>, opt<one<'+', '-'>>, Digits> {};
struct Number : seq<Digits, opt<one<'.'>, star<digit>>, opt<Exponent>> {};
struct Integer : Digits {};
struct StringBody : star<not_one<'"'>> {};
struct StringBody1 : star<not_one<'\''>> {};
struct StringClose : one<'"'> {};
struct StringClose1 : one<'\''> {};
struct String : sor<seq<one<'"'>, StringBody, must<StringClose>>,
                    seq<one<'\''>, StringBody1, must<StringClose1>>> {};
// A period: 2023, 2023Q3, 2023-07, 2023M07, 2023H1, 2023Q1-Q3, 2023M01-M05, 2023年上半年...
// The token is taken whole and checked by ParsePeriod in its action.
struct PeriodChar : sor<alnum, one<'-'>, NonAscii> {};
struct PeriodLit : seq<rep<4, digit>, star<PeriodChar>> {};
// A date: 2024-02-01 (also 2024/02/01 and 20240201), checked by ParseDate in its action.
struct DateLit : seq<rep<4, digit>, star<sor<digit, one<'-', '/'>>>> {};
struct MethodWord : sor<Kw<TAO_PEGTL_STRING("sum")>, Kw<TAO_PEGTL_STRING("avg")>,
                        Kw<TAO_PEGTL_STRING("end")>> {};
struct UnitWord : plus<sor<alnum, one<'%', '/', '_', '.'>, NonAscii>> {};
struct UnitText : sor<String, UnitWord> {};

struct Expr;

// series(...), list(...), describe(...) arguments: key=value filters or code patterns.
struct FilterKey : Ident {};
struct FilterBare : plus<not_one<' ', '\t', '\r', '\n', ',', ')', '"', '\''>> {};
struct FilterValue : sor<String, FilterBare> {};
struct Filter : seq<at<Ident, Sp, Equals>, FilterKey, Sp, Equals, Sp, must<FilterValue>> {};
struct Pattern : sor<String, plus<sor<IdentOther, one<'*', '?'>>>> {};
struct SelectorArg : sor<Filter, Pattern> {};
struct SelectorArgs : opt<list<SelectorArg, ArgSep>> {};
struct SearchBare : plus<not_one<')', '"', '\''>> {};
struct SearchText : sor<String, SearchBare> {};

// Function calls: the keyword, then '(' (guaranteed by the look-ahead in Call), then the
// arguments of that function.
template <typename Word> struct Fn : Kw<Word> {};
struct FnAsof : Fn<TAO_PEGTL_STRING("asof")> {};
struct FnFirst : Fn<TAO_PEGTL_STRING("first")> {};
struct FnRevisions : Fn<TAO_PEGTL_STRING("revisions")> {};
struct FnChanges : Fn<TAO_PEGTL_STRING("changes")> {};
struct FnYoy : Fn<TAO_PEGTL_STRING("yoy")> {};
struct FnPop : Fn<TAO_PEGTL_STRING("pop")> {};
struct FnDiff : Fn<TAO_PEGTL_STRING("diff")> {};
struct FnLag : Fn<TAO_PEGTL_STRING("lag")> {};
struct FnLead : Fn<TAO_PEGTL_STRING("lead")> {};
struct FnCagr : Fn<TAO_PEGTL_STRING("cagr")> {};
struct FnLog : Fn<TAO_PEGTL_STRING("log")> {};
struct FnRolling : Fn<TAO_PEGTL_STRING("rolling")> {};
struct FnDiscrete : Fn<TAO_PEGTL_STRING("discrete")> {};
struct FnAnnual : Fn<TAO_PEGTL_STRING("annual")> {};
struct FnQuarterly : Fn<TAO_PEGTL_STRING("quarterly")> {};
struct FnShare : Fn<TAO_PEGTL_STRING("share")> {};
struct FnTargets : Fn<TAO_PEGTL_STRING("targets")> {};
struct FnGap : Fn<TAO_PEGTL_STRING("gap")> {};
struct FnNeed : Fn<TAO_PEGTL_STRING("need")> {};
struct FnSeries : Fn<TAO_PEGTL_STRING("series")> {};
struct FnList : Fn<TAO_PEGTL_STRING("list")> {};
struct FnDescribe : Fn<TAO_PEGTL_STRING("describe")> {};
struct FnSearch : Fn<TAO_PEGTL_STRING("search")> {};
struct FnStats : Fn<TAO_PEGTL_STRING("stats")> {};

struct ArgExpr;
struct CallEnd : seq<Sp, RParen> {};
template <typename... Args> struct Params : seq<Sp, LParen, Sp, Args..., must<CallEnd>> {};
template <typename R> struct Next : seq<must<ArgSep>, must<R>> {};
template <typename R> struct OptNext : opt<ArgSep, must<R>> {};

struct CallAsof : seq<FnAsof, Params<must<ArgExpr>, Next<DateLit>>> {};
struct CallFirst : seq<FnFirst, Params<must<ArgExpr>>> {};
struct CallRevisions : seq<FnRevisions, Params<must<ArgExpr>, Next<PeriodLit>>> {};
struct CallChanges : seq<FnChanges, Params<must<DateLit>>> {};
struct CallYoy : seq<FnYoy, Params<must<ArgExpr>>> {};
struct CallPop : seq<FnPop, Params<must<ArgExpr>>> {};
struct CallDiff : seq<FnDiff, Params<must<ArgExpr>, OptNext<Integer>>> {};
struct CallLag : seq<FnLag, Params<must<ArgExpr>, OptNext<Integer>>> {};
struct CallLead : seq<FnLead, Params<must<ArgExpr>, OptNext<Integer>>> {};
struct CallCagr : seq<FnCagr, Params<must<ArgExpr>, Next<PeriodLit>, Next<PeriodLit>>> {};
struct CallLog : seq<FnLog, Params<must<ArgExpr>>> {};
struct CallRolling : seq<FnRolling, Params<must<ArgExpr>, Next<Integer>, OptNext<MethodWord>>> {};
struct CallDiscrete : seq<FnDiscrete, Params<must<ArgExpr>>> {};
struct CallAnnual : seq<FnAnnual, Params<must<ArgExpr>, Next<MethodWord>>> {};
struct CallQuarterly : seq<FnQuarterly, Params<must<ArgExpr>, Next<MethodWord>>> {};
struct CallShare : seq<FnShare, Params<must<ArgExpr>, Next<ArgExpr>>> {};
struct CallTargets : seq<FnTargets, Params<opt<PeriodLit>>> {};
struct CallGap : seq<FnGap, Params<must<ArgExpr>, Next<PeriodLit>>> {};
struct CallNeed : seq<FnNeed, Params<must<ArgExpr>, Next<PeriodLit>>> {};
struct CallSeries : seq<FnSeries, Params<SelectorArgs>> {};
struct CallList : seq<FnList, Params<SelectorArgs>> {};
struct CallDescribe : seq<FnDescribe, Params<SelectorArgs>> {};
struct CallSearch : seq<FnSearch, Params<must<SearchText>>> {};
struct CallStats : seq<FnStats, Params<must<ArgExpr>>> {};
// Any other name followed by '(' is an error at the name.
struct UnknownFunction : pegtl::failure {};

struct Call : seq<at<Ident, Sp, LParen>,
                  sor<CallAsof, CallFirst, CallRevisions, CallChanges, CallYoy, CallPop,
                      CallDiff, CallLag, CallLead, CallCagr, CallLog, CallRolling, CallDiscrete,
                      CallAnnual, CallQuarterly, CallShare, CallTargets, CallGap, CallNeed,
                      CallSeries, CallList, CallDescribe, CallSearch, CallStats,
                      must<UnknownFunction>>> {};

// Expressions: + - (left assoc) over * / (left assoc) over unary minus over postfix ranges.
struct SeriesRef : Ident {};
struct NumberLit : Number {};
struct Paren : seq<LParen, Sp, must<Expr>, Sp, must<RParen>> {};
struct Primary : sor<Paren, Call, NumberLit, SeriesRef> {};
struct RangeOpen : one<'['> {};
struct RangeFrom : PeriodLit {};
struct RangeColon : one<':'> {};
struct RangeTo : PeriodLit {};
struct Range : seq<RangeOpen, Sp, opt<RangeFrom>, Sp, opt<RangeColon, Sp, opt<RangeTo>>, Sp,
                   must<RBracket>> {};
struct Postfix : seq<Primary, star<Sp, Range>> {};
struct Operand : Postfix {};
struct Minus : one<'-'> {};
struct Unary : seq<star<Minus, Sp>, must<Operand>> {};
struct AddOp : one<'+', '-'> {};
struct MulOp : one<'*', '/'> {};
struct MulTail : seq<Sp, MulOp, Sp, must<Unary>> {};
struct Product : seq<Unary, star<MulTail>> {};
struct AddTail : seq<Sp, AddOp, Sp, must<Product>> {};
struct Sum : seq<Product, star<AddTail>> {};
struct InUnit : seq<Sp, KwIn, Sp, must<UnitText>> {};
struct Expr : seq<Sum, opt<InUnit>> {};
struct ArgExpr : Expr {};

// where / order by / limit over the columns of the result.
struct Column : Ident {};
struct CmpOp : sor<TAO_PEGTL_STRING(">="), TAO_PEGTL_STRING("<="), TAO_PEGTL_STRING("!="),
                   TAO_PEGTL_STRING("<>"), one<'=', '<', '>', '~'>> {};
struct BareLiteral : plus<sor<alnum, one<'.', '-', '+', '_', '%', ':'>, NonAscii>> {};
struct NullLiteral : KwNull {};
struct Literal : sor<String, NullLiteral, BareLiteral> {};
struct Compare : seq<Column, Sp, must<CmpOp>, Sp, must<Literal>> {};
struct Cond;
struct NotCond;
struct Negation : seq<KwNot, Sp, must<NotCond>> {};
struct CondParen : seq<LParen, Sp, must<Cond>, Sp, must<RParen>> {};
struct NotCond : sor<Negation, CondParen, Compare> {};
struct AndTail : seq<Sp, KwAnd, Sp, must<NotCond>> {};
struct AndCond : seq<NotCond, star<AndTail>> {};
struct OrTail : seq<Sp, KwOr, Sp, must<AndCond>> {};
struct Cond : seq<AndCond, star<OrTail>> {};
struct Where : seq<Sp, KwWhere, Sp, must<Cond>> {};
struct Direction : sor<KwAsc, KwDesc> {};
struct OrderKey : seq<Column, opt<Sp, Direction>> {};
struct OrderBy : seq<Sp, KwOrder, Sp, must<KwBy>, Sp, must<OrderKey>,
                     star<ArgSep, must<OrderKey>>> {};
struct LimitCount : Integer {};
struct Limit : seq<Sp, KwLimit, Sp, must<LimitCount>> {};
struct QueryEnd : seq<Sp, eof> {};
struct Query : seq<Sp, must<Expr>, opt<Where>, opt<OrderBy>, opt<Limit>, must<QueryEnd>> {};
// clang-format on

}  // namespace ixdb::query::grammar
