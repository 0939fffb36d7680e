#include "server/connection_manager.hpp"

#include <optional>
#include <vector>

#include "tests/common/test_util.hpp"

namespace ixdb::server {
namespace {

TEST_CASE("ConnectionManager: slots count served connections until released", "[server]") {
  ConnectionManager m(2);
  REQUIRE_FALSE(m.full());
  ConnectionManager::Slot a = m.Reserve();
  std::optional<ConnectionManager::Slot> b = m.Reserve();
  REQUIRE(m.served() == 2);
  REQUIRE(m.full());
  b.reset();  // destroyed: the place goes back
  REQUIRE(m.served() == 1);
  REQUIRE_FALSE(m.full());
  ConnectionManager::Slot moved = std::move(a);  // a moved slot is counted once
  REQUIRE(m.served() == 1);
  moved.Release();
  moved.Release();  // idempotent
  REQUIRE(m.served() == 0);
  ConnectionManager::Slot c = m.Reserve();
  ConnectionManager::Slot d = m.Reserve();
  c = std::move(d);  // assigning releases the place c held
  REQUIRE(m.served() == 1);
}

TEST_CASE("ConnectionManager: StopAll closes every registered connection once", "[server]") {
  ConnectionManager m(10);
  std::vector<int> closed;
  auto one = m.Register([&] { closed.push_back(1); });
  std::optional<ConnectionManager::Registration> two = m.Register([&] { closed.push_back(2); });
  auto three = m.Register([&] { closed.push_back(3); });
  REQUIRE(m.live() == 3);
  two.reset();  // a connection that ended is not closed again
  three.Unregister();
  three.Unregister();
  REQUIRE(m.live() == 1);
  REQUIRE_FALSE(m.stopping());
  m.StopAll();
  REQUIRE(m.stopping());
  REQUIRE(closed == std::vector<int>{1});
  // Registration is not counted against max_connections: refused connections register too.
  REQUIRE(m.served() == 0);
}

}  // namespace
}  // namespace ixdb::server
