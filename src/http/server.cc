// The HTTP server: an acceptor and one Session per connection on a shared io_context.
// Beast lives only here and in client.cc, because each file that includes it costs
// seconds of compile time.
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "http/beast.h"
#include <spdlog/spdlog.h>

#include "http/http.h"
#include "http/router.h"
#include "http/url.h"

namespace tandem::http {
namespace {

// A keep-alive connection that sends nothing for this long is closed; so is one whose
// request (or our response) takes longer to transfer.
constexpr auto kIoTimeout = std::chrono::seconds(300);
// After an error reply we read and discard what the client still sends, for at most
// this long, before closing (see Session::LingeringClose).
constexpr auto kDrainTimeout = std::chrono::seconds(2);
constexpr std::uint32_t kHeaderLimit = 64 << 10;

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == beast::error_code(bhttp::error::bad_method).category();
}

// One connection: read a request, dispatch, write the response, repeat while
// keep-alive. Each session runs on its own strand, so its handlers never overlap.
// Lifetime: owned by the shared_ptrs captured in its pending handlers; it dies (and
// closes the socket) when its last handler finishes or the io_context is destroyed.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Router& router, size_t max_body_bytes)
      : stream_(std::move(socket)), router_(router), max_body_bytes_(max_body_bytes) {}

  void Start() { DoRead(); }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->body_limit(max_body_bytes_);
    parser_->header_limit(kHeaderLimit);
    stream_.expires_after(kIoTimeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->OnRead(ec);
                      });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      // parser_->content_length() asserts a complete header, which this error
      // precedes; the field itself is already parsed.
      auto length = ToStd(parser_->get()[bhttp::field::content_length]);
      std::string what = length.empty() ? "request body"
                                        : "request body of " + std::string(length) + " bytes";
      return SendError(413, what + " exceeds the limit of " + std::to_string(max_body_bytes_) +
                                " bytes");
    }
    if (ec == bhttp::error::header_limit) {
      return SendError(431, "request header exceeds the limit of " +
                                std::to_string(kHeaderLimit) + " bytes");
    }
    // partial_message: the peer closed mid-request, nobody is left to answer.
    if (ec && IsHttpParseError(ec) && ec != bhttp::error::end_of_stream &&
        ec != bhttp::error::partial_message) {
      return SendError(400, "malformed request: " + AsciiLower(ec.message()));
    }
    if (ec == bhttp::error::end_of_stream) return CloseSend();
    if (ec) return;  // reset, timeout, server stopping: drop the connection

    auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& field : msg) {
      std::string& value = req.headers[AsciiLower(ToStd(field.name_string()))];
      // Repeated headers fold into one comma-separated value (RFC 9110 5.3).
      if (!value.empty()) value += ", ";
      value += std::string(field.value());
    }
    req.body = std::move(msg.body());
    bool keep_alive = msg.keep_alive();
    Response resp;
    try {
      resp = router_.Dispatch(&req);
    } catch (const std::exception& e) {  // bad_alloc and the like; handlers are caught inside
      resp = ErrorResponse(Internal(std::string("handling the request failed: ") + e.what()));
    }
    Send(std::move(resp), keep_alive, /*drain=*/false);
  }

  // Replies with {"error": message} and closes: after a bad request the rest of the
  // byte stream cannot be trusted to start at a message boundary.
  void SendError(int status, std::string message) {
    Send(JsonResponse({{"error", std::move(message)}}, status), /*keep_alive=*/false,
         /*drain=*/true);
  }

  void Send(Response resp, bool keep_alive, bool drain) {
    res_ = {};
    res_.version(11);
    int status = resp.status >= 100 && resp.status <= 999 ? resp.status : 500;
    res_.result(static_cast<unsigned>(status));
    res_.set(bhttp::field::server, "tandem");
    if (!resp.content_type.empty()) res_.set(bhttp::field::content_type, resp.content_type);
    for (const auto& [name, value] : resp.headers) res_.set(name, value);
    res_.body() = std::move(resp.body);
    res_.keep_alive(keep_alive);
    res_.prepare_payload();
    stream_.expires_after(kIoTimeout);
    bhttp::async_write(stream_, res_,
                       [self = shared_from_this(), keep_alive, drain](beast::error_code ec,
                                                                      size_t) {
                         if (ec) return;
                         if (drain) return self->LingeringClose();
                         if (!keep_alive) return self->CloseSend();
                         self->DoRead();
                       });
  }

  void CloseSend() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  // Closing a socket with unread input makes the kernel send RST, and the client may
  // then lose our error reply before reading it (typically a 413 while it is still
  // sending the body). So: send FIN, read and discard for a while, then close.
  void LingeringClose() {
    CloseSend();
    drain_buffer_.resize(16 << 10);
    stream_.expires_after(kDrainTimeout);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  const Router& router_;
  const size_t max_body_bytes_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;
  std::vector<char> drain_buffer_;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Router router;

  std::mutex mu;  // guards the lifecycle below against concurrent Start/Stop
  bool started = false;
  bool stopped = false;
  int port = 0;
  std::unique_ptr<asio::io_context> ioc;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;

  void DoAccept() {
    // Each connection gets its own strand: a tcp_stream's timer and socket handlers
    // must not run concurrently on the pool's threads.
    acceptor->async_accept(asio::make_strand(*ioc), [this](beast::error_code ec,
                                                           tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // Typically out of file descriptors: retrying at once would spin a core.
        spdlog::warn("http: accept failed: {}", ec.message());
        accept_retry->expires_after(std::chrono::milliseconds(50));
        accept_retry->async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) DoAccept();
        });
        return;
      }
      // Without TCP_NODELAY a response written in two segments waits ~40 ms for the
      // client's delayed ACK.
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), router, options.max_body_bytes)->Start();
      DoAccept();
    });
  }

  // Destroying the io_context destroys every pending handler and with them the
  // sessions, which closes their sockets. REQUIRES: the threads are joined.
  void Teardown() {
    acceptor.reset();
    accept_retry.reset();
    work.reset();
    ioc.reset();
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

Server::~Server() { Stop(); }

void Server::Route(const std::string& method, const std::string& pattern, Handler handler) {
  impl_->router.Add(method, pattern, std::move(handler));
}

Status Server::Start() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.stopped) return FailedPrecondition("http server: Start() after Stop()");
  if (s.started) return FailedPrecondition("http server: already started");
  const std::string where = s.options.host + ":" + std::to_string(s.options.port);
  int threads = std::max(1, s.options.threads);
  s.ioc = std::make_unique<asio::io_context>(threads);

  beast::error_code ec;
  tcp::endpoint endpoint;
  auto address = asio::ip::make_address(s.options.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, static_cast<unsigned short>(s.options.port));
  } else {
    tcp::resolver resolver(*s.ioc);
    auto results = resolver.resolve(s.options.host, std::to_string(s.options.port),
                                    tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      s.Teardown();
      return InvalidArgument("cannot listen on " + where + ": cannot resolve host: " +
                             AsciiLower(ec ? ec.message() : "no address"));
    }
    endpoint = results.begin()->endpoint();
  }

  s.acceptor.emplace(*s.ioc);
  const char* step = "open";
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) {
    // SO_REUSEADDR: a restart must not fail while old connections sit in TIME_WAIT.
    step = "set SO_REUSEADDR";
    s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    step = "bind";
    s.acceptor->bind(endpoint, ec);
  }
  if (!ec) {
    step = "listen";
    s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    s.Teardown();
    return Unavailable("cannot listen on " + where + ": " + step + ": " +
                       AsciiLower(ec.message()));
  }
  s.port = s.acceptor->local_endpoint(ec).port();
  s.accept_retry.emplace(*s.ioc);
  s.work.emplace(s.ioc->get_executor());
  s.DoAccept();
  for (int i = 0; i < threads; ++i) {
    s.threads.emplace_back([ioc = s.ioc.get()] {
      // Handlers catch their own errors; this loop only keeps a thread alive if
      // something unforeseen (bad_alloc in Beast) escapes one.
      while (true) {
        try {
          ioc->run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http: I/O thread caught: {}", e.what());
        }
      }
    });
  }
  s.started = true;
  return Status::Ok();
}

int Server::port() const { return impl_->port; }

void Server::Stop() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  bool was_running = s.started && !s.stopped;
  s.stopped = true;
  if (!was_running) return;
  // Stopping the io_context abandons every pending read, so an idle keep-alive
  // connection cannot hold Stop() up; a handler already running is waited for.
  s.ioc->stop();
  for (std::thread& t : s.threads) t.join();
  s.threads.clear();
  s.Teardown();
}

}  // namespace tandem::http
