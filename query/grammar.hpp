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
struct UnitWord : plus<sor<alnum, one<'%', '/', '_', '.'>, NonAscii>> {};
struct UnitText : sor<String, UnitWord> {};

struct Expr;

// Function calls: one rule for every function. The arguments are read by their shape only;
// the binder (internal/binder.cpp) checks them against the function's signature in the
// registry, so a new function needs no grammar. Each alternative is guarded by a look-ahead
// that ends at the argument's end, so no action runs for input that is then read otherwise.
struct ArgEnd : seq<Sp, sor<Comma, RParen>> {};
struct FilterKey : Ident {};
struct FilterBare : plus<not_one<' ', '\t', '\r', '\n', ',', ')', '"', '\''>> {};
struct FilterValue : sor<String, FilterBare> {};
struct FilterArg : seq<at<Ident, Sp, Equals>, FilterKey, Sp, Equals, Sp, must<FilterValue>> {};
struct StringArg : seq<at<String, ArgEnd>, String> {};
// 2023, 2023Q1-Q3, 2023年上半年, 2024-01-20, 2022:2023 (a period, a date or a period range).
struct WordChar : sor<PeriodChar, one<'/', ':'>> {};
struct WordToken : seq<rep<4, digit>, star<WordChar>> {};
struct WordArg : seq<at<WordToken, ArgEnd>, WordToken> {};
struct PatternToken : seq<star<IdentOther>, one<'*', '?'>, star<sor<IdentOther, one<'*', '?'>>>> {};
struct PatternArg : seq<at<PatternToken, ArgEnd>, PatternToken> {};
struct ExprStart : sor<IdentFirst, digit, one<'(', '-'>> {};
struct ExprArg : seq<at<ExprStart>, Expr> {};
struct TextArg : plus<not_one<',', ')', '"', '\''>> {};
struct CallArg : sor<StringArg, FilterArg, WordArg, PatternArg, ExprArg, TextArg> {};
struct FunctionName : Ident {};
struct CallEnd : seq<Sp, RParen> {};
struct CallArgs : opt<pegtl::list_must<CallArg, ArgSep>> {};
struct Call : seq<at<Ident, Sp, LParen>, FunctionName, Sp, LParen, Sp, CallArgs,
                  must<CallEnd>> {};

// Expressions: + - (left assoc) over * / (left assoc) over unary minus over ^ (right assoc)
// over postfix ranges: -x^2 is -(x^2), 2^-1 is 0.5, a^b^c is a^(b^c).
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
struct Unary;
struct PowOp : one<'^'> {};
struct PowTail : seq<Sp, PowOp, Sp, must<Unary>> {};
struct Power : seq<Operand, opt<PowTail>> {};
struct Unary : seq<star<Minus, Sp>, must<Power>> {};
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
