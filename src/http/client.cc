// The HTTP client: one request per fresh connection. Async operations on a private
// io_context, because beast::tcp_stream's timeouts only apply to async operations.
#include <chrono>
#include <limits>
#include <vector>

#include "http/beast.h"

#include "http/http.h"
#include "http/url.h"

namespace tandem::http {
namespace {

// Runs the pending operation(s) on `ioc` to completion.
void RunPending(asio::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

Status DeadlineExceeded(std::string message) {
  return Status(StatusCode::kDeadlineExceeded, std::move(message));
}

}  // namespace

Result<Response> Call(const std::string& method, const std::string& url, const std::string& body,
                      const std::string& content_type, const ClientOptions& options) {
  std::string host, target;
  int port = 0;
  RETURN_IF_ERROR(ParseUrl(url, &host, &port, &target));
  const bool ipv6 = host.find(':') != std::string::npos;
  const std::string authority = (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  const std::string base = "http://" + authority;
  const std::string timeout_text = std::to_string(options.timeout_ms) + " ms";

  try {  // Beast reports I/O errors through error_code; this catches bad_alloc and kin.
    asio::io_context ioc(1);
    beast::error_code ec;

    // A numeric address needs no resolver (and the async resolver would start a thread).
    std::vector<tcp::endpoint> endpoints;
    auto address = asio::ip::make_address(host, ec);
    if (!ec) {
      endpoints.emplace_back(address, static_cast<unsigned short>(port));
    } else {
      tcp::resolver resolver(ioc);
      auto results = resolver.resolve(host, std::to_string(port), ec);
      if (ec) return Unavailable("cannot reach " + base + ": " + AsciiLower(ec.message()));
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }

    beast::tcp_stream stream(ioc);
    // One deadline for the whole exchange: connect, write and read.
    stream.expires_after(std::chrono::milliseconds(std::max(1, options.timeout_ms)));
    stream.async_connect(endpoints, [&ec](beast::error_code e, const tcp::endpoint&) { ec = e; });
    RunPending(ioc);
    if (ec == beast::error::timeout) {
      return Unavailable("cannot reach " + base + ": no connection within " + timeout_text);
    }
    if (ec) return Unavailable("cannot reach " + base + ": " + AsciiLower(ec.message()));
    beast::error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);

    bhttp::request<bhttp::string_body> req;
    req.version(11);
    bhttp::verb verb = bhttp::string_to_verb(method);
    if (verb == bhttp::verb::unknown) {
      req.method_string(method);
    } else {
      req.method(verb);
    }
    req.target(target);
    req.set(bhttp::field::host, authority);
    req.set(bhttp::field::user_agent, "tandem");
    if (!body.empty() && !content_type.empty()) req.set(bhttp::field::content_type, content_type);
    req.body() = body;
    req.keep_alive(false);
    req.prepare_payload();

    beast::error_code write_ec;
    bhttp::async_write(stream, req, [&write_ec](beast::error_code e, size_t) { write_ec = e; });
    RunPending(ioc);
    const std::string what = method + " " + base + target;
    if (write_ec == beast::error::timeout) {
      return DeadlineExceeded(what + ": no response within " + timeout_text);
    }
    // A server that rejects a request early (413) answers and closes while the body is
    // still being sent; its answer may still be readable, so a failed write only counts
    // when no response follows.
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    bhttp::async_read(stream, buffer, parser, [&ec](beast::error_code e, size_t) { ec = e; });
    RunPending(ioc);
    if (ec == beast::error::timeout) {
      return DeadlineExceeded(what + ": no response within " + timeout_text);
    }
    if (ec && write_ec) {
      return Unavailable(what + ": sending the request failed: " + AsciiLower(write_ec.message()));
    }
    if (ec) return Unavailable(what + ": reading the response failed: " + AsciiLower(ec.message()));
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

    auto& msg = parser.get();
    Response out;
    out.status = static_cast<int>(msg.result_int());
    for (const auto& field : msg) {
      std::string& value = out.headers[AsciiLower(ToStd(field.name_string()))];
      if (!value.empty()) value += ", ";
      value += std::string(field.value());
    }
    auto type = msg.find(bhttp::field::content_type);
    out.content_type = type == msg.end() ? "" : std::string(type->value());
    out.body = std::move(msg.body());
    return out;
  } catch (const std::exception& e) {
    return Internal(method + " " + url + ": " + e.what());
  }
}

}  // namespace tandem::http
