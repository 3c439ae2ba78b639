// The HTTP client: one request per fresh connection. Async operations on a private
// io_context, because beast::tcp_stream's timeouts only apply to async operations.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <map>
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

// Chunk size for file bodies: large enough that a GB costs a few thousand syscalls.
constexpr size_t kChunkBytes = 256 << 10;

// The connection of one call and how long each step may take: with file transfers the
// timeout is re-armed before every step, else one deadline covers the whole exchange.
struct Link {
  asio::io_context& ioc;
  beast::tcp_stream& stream;
  bool per_step;
  int timeout_ms;

  void Arm(int ms = 0) {
    if (per_step) stream.expires_after(std::chrono::milliseconds(std::max(1, ms > 0 ? ms : timeout_ms)));
  }
  // Runs the pending operation(s) to completion.
  void Run() { RunPending(ioc); }
};

// Method, target and the headers every request of ours carries.
template <class Body>
void SetHead(bhttp::request<Body>& req, const std::string& method, const std::string& target,
             const std::string& authority, const std::string& content_type) {
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
  if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
  req.keep_alive(false);
}

// The header fields of `msg`, names lower-cased, repeats folded with ", ".
template <class Message>
std::map<std::string, std::string> FoldHeaders(const Message& msg) {
  std::map<std::string, std::string> out;
  for (const auto& field : msg) {
    std::string& value = out[AsciiLower(ToStd(field.name_string()))];
    if (!value.empty()) value += ", ";
    value += std::string(field.value());
  }
  return out;
}

// An open file descriptor, closed on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Sends `req` with the file's content as its body through a buffer_body, one chunk in
// memory at a time. A file that cannot be read is the Status; a socket error goes to
// *write_ec (the server may have answered before reading everything, e.g. 413).
Status SendFileBody(Link& link, bhttp::request<bhttp::buffer_body>& req, const std::string& file,
                    const ProgressFn& progress, beast::error_code* write_ec) {
  Fd in{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  struct stat st {};
  if (in.fd < 0 || ::fstat(in.fd, &st) != 0) {
    return Status(errno == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError,
                  "cannot read '" + file + "': " + std::strerror(errno));
  }
  const uint64_t total = static_cast<uint64_t>(st.st_size);
  req.content_length(total);
  req.body().data = nullptr;
  req.body().more = total > 0;
  bhttp::request_serializer<bhttp::buffer_body> sr{req};
  auto on_write = [write_ec](beast::error_code e, size_t) {
    // need_buffer: the chunk is out and the serializer wants the next one.
    *write_ec = e == bhttp::error::need_buffer ? beast::error_code{} : e;
  };
  link.Arm();
  bhttp::async_write_header(link.stream, sr, on_write);
  link.Run();
  std::vector<char> chunk(kChunkBytes);
  uint64_t sent = 0;
  beast::error_code ignored;
  while (!*write_ec && sent < total) {
    ssize_t n = ::read(in.fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("cannot read '" + file + "': " + std::strerror(errno));
    if (n == 0) return IoError("'" + file + "' shrank while it was being sent");
    sent += static_cast<uint64_t>(n);
    req.body().data = chunk.data();
    req.body().size = static_cast<size_t>(n);
    req.body().more = sent < total;
    link.Arm();
    bhttp::async_write(link.stream, sr, on_write);
    link.Run();
    if (!*write_ec && progress) progress(sent, total);
    // A server that refuses the body (413) answers at once: stop sending then.
    if (link.stream.socket().available(ignored) > 0) break;
  }
  return Status::Ok();
}

// Reads the body after `head` chunk by chunk into the sink. A sink error is the Status;
// a socket error goes to *read_ec.
Status ReadBodyToSink(Link& link, beast::flat_buffer& buffer,
                      bhttp::response_parser<bhttp::empty_body>&& head, const BodySink& sink,
                      const ProgressFn& progress, beast::error_code* read_ec) {
  bhttp::response_parser<bhttp::buffer_body> parser{std::move(head)};
  const uint64_t total = parser.content_length().value_or(0);
  std::vector<char> chunk(kChunkBytes);
  uint64_t received = 0;
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    link.Arm();
    bhttp::async_read_some(link.stream, buffer, parser, [read_ec](beast::error_code e, size_t) {
      *read_ec = e == bhttp::error::need_buffer ? beast::error_code{} : e;
    });
    link.Run();
    if (*read_ec) return Status::Ok();
    size_t n = chunk.size() - parser.get().body().size;
    if (n == 0) continue;
    received += n;
    RETURN_IF_ERROR(sink(chunk.data(), n));
    if (progress) progress(received, total);
  }
  return Status::Ok();
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

    Link link{ioc, stream, !options.request_body_file.empty() || bool(options.response_sink),
              options.timeout_ms};
    const std::string what = method + " " + base + target;
    beast::error_code write_ec;
    if (options.request_body_file.empty()) {
      bhttp::request<bhttp::string_body> req;
      SetHead(req, method, target, authority, body.empty() ? "" : content_type);
      req.body() = body;
      req.prepare_payload();
      link.Arm();
      bhttp::async_write(stream, req, [&write_ec](beast::error_code e, size_t) { write_ec = e; });
      link.Run();
    } else {
      bhttp::request<bhttp::buffer_body> req;
      SetHead(req, method, target, authority, content_type);
      RETURN_IF_ERROR(SendFileBody(link, req, options.request_body_file, options.upload_progress,
                                   &write_ec));
    }
    if (write_ec == beast::error::timeout) {
      return DeadlineExceeded(what + ": no response within " + timeout_text);
    }
    // A server that rejects a request early (413) answers and closes while the body is
    // still being sent; its answer may still be readable, so a failed write only counts
    // when no response follows.
    auto failed = [&](beast::error_code read_ec) -> Status {
      if (read_ec == beast::error::timeout) {
        const int waited = link.per_step && options.response_timeout_ms > 0
                               ? options.response_timeout_ms : options.timeout_ms;
        return DeadlineExceeded(what + ": no response within " + std::to_string(waited) + " ms");
      }
      if (write_ec) {
        return Unavailable(what + ": sending the request failed: " + AsciiLower(write_ec.message()));
      }
      return Unavailable(what + ": reading the response failed: " + AsciiLower(read_ec.message()));
    };
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::empty_body> head;
    // Not boost::none: Boost 1.74 compares a Content-Length with an empty optional as larger.
    head.body_limit(std::numeric_limits<std::uint64_t>::max());
    link.Arm(options.response_timeout_ms);
    bhttp::async_read_header(stream, buffer, head, [&ec](beast::error_code e, size_t) { ec = e; });
    link.Run();
    if (ec) return failed(ec);

    Response out;
    out.status = static_cast<int>(head.get().result_int());
    out.headers = FoldHeaders(head.get());
    auto type = head.get().find(bhttp::field::content_type);
    out.content_type = type == head.get().end() ? "" : std::string(type->value());
    if (options.response_sink && out.status >= 200 && out.status < 300) {
      RETURN_IF_ERROR(ReadBodyToSink(link, buffer, std::move(head), options.response_sink,
                                     options.download_progress, &ec));
    } else {
      bhttp::response_parser<bhttp::string_body> parser{std::move(head)};
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      link.Arm();
      bhttp::async_read(stream, buffer, parser, [&ec](beast::error_code e, size_t) { ec = e; });
      link.Run();
      out.body = std::move(parser.get().body());
    }
    if (ec) return failed(ec);
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return out;
  } catch (const std::exception& e) {
    return Internal(method + " " + url + ": " + e.what());
  }
}

}  // namespace tandem::http
