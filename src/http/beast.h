#pragma once
// Private to the http module: the Boost.Beast includes and names shared by the server
// and the client (the only two files that include Beast; each costs seconds to build).
#include <string_view>
#include <utility>  // before Boost 1.74's asio/awaitable.hpp, which uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tandem::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Boost 1.74's Beast hands out boost::string_view.
inline std::string_view ToStd(beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace tandem::http
