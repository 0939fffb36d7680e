#pragma once
// The rows of the op table (server/op_table.cpp), each defined in the file of its op. Internal
// to server/.

#include "server/op_table.hpp"

namespace ixdb::server::ops {

extern const OpSpec kPing;    // ping.cpp
extern const OpSpec kHello;   // hello.cpp
extern const OpSpec kQuery;   // query.cpp
extern const OpSpec kLoad;    // load.cpp
extern const OpSpec kDefine;  // define.cpp
extern const OpSpec kCancel;  // cancel.cpp

}  // namespace ixdb::server::ops
