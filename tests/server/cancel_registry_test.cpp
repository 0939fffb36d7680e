#include "server/cancel_registry.hpp"

#include <catch2/catch.hpp>
#include <set>

namespace ixdb::server {
namespace {

bool IsHexKey(const std::string& key) {
  if (key.size() != 32) return false;
  for (char c : key) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST_CASE("CancelRegistry: every connection gets its own random 128-bit key", "[server]") {
  CancelRegistry registry;
  std::vector<CancelRegistry::Registration> regs;
  std::set<std::string> keys;
  for (int i = 0; i < 200; ++i) {
    regs.push_back(registry.Register());
    REQUIRE(IsHexKey(regs.back().key()));
    keys.insert(regs.back().key());
  }
  REQUIRE(keys.size() == 200);
  REQUIRE(registry.size() == 200);
  regs.clear();
  REQUIRE(registry.size() == 0);
}

TEST_CASE("CancelRegistry: a cancel stops only the running query it names", "[server]") {
  CancelRegistry registry;
  auto a = registry.Register();
  auto b = registry.Register();
  const std::string id7 = "7", id8 = "8";
  // Nothing runs yet: a cancel finds the connection idle and sets nothing for later.
  REQUIRE(registry.Cancel(a.key(), nullptr) == CancelRegistry::Outcome::kIdle);
  const std::atomic<bool>* flag = a.BeginQuery("7");
  REQUIRE_FALSE(flag->load());
  // Another query's id, or another connection's key, leaves it running.
  REQUIRE(registry.Cancel(a.key(), &id8) == CancelRegistry::Outcome::kIdle);
  REQUIRE(registry.Cancel(b.key(), nullptr) == CancelRegistry::Outcome::kIdle);
  REQUIRE_FALSE(flag->load());
  REQUIRE(registry.Cancel(a.key(), &id7) == CancelRegistry::Outcome::kCancelled);
  REQUIRE(flag->load());
  a.EndQuery();
  // The next query starts uncancelled, and a late cancel of the finished one misses it.
  flag = a.BeginQuery("8");
  REQUIRE_FALSE(flag->load());
  REQUIRE(registry.Cancel(a.key(), &id7) == CancelRegistry::Outcome::kIdle);
  REQUIRE_FALSE(flag->load());
  REQUIRE(registry.Cancel(a.key(), nullptr) == CancelRegistry::Outcome::kCancelled);
  REQUIRE(flag->load());
  a.EndQuery();
}

TEST_CASE("CancelRegistry: keys of closed connections and made-up keys are unknown", "[server]") {
  CancelRegistry registry;
  std::string key;
  {
    auto a = registry.Register();
    key = a.key();
    REQUIRE(registry.Cancel(key, nullptr) == CancelRegistry::Outcome::kIdle);
  }
  REQUIRE(registry.Cancel(key, nullptr) == CancelRegistry::Outcome::kUnknownKey);
  REQUIRE(registry.Cancel("", nullptr) == CancelRegistry::Outcome::kUnknownKey);
  REQUIRE(registry.Cancel(std::string(32, '0'), nullptr) == CancelRegistry::Outcome::kUnknownKey);
}

}  // namespace
}  // namespace ixdb::server
