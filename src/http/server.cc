// The HTTP server: an acceptor and one Session per connection on a shared io_context.
// Beast lives only here and in client.cc, because each file that includes it costs
// seconds of compile time.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <array>
#include <atomic>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "http/beast.h"
#include <spdlog/spdlog.h>

#include "http/http.h"
#include "http/origin_check.h"
#include "http/router.h"
#include "http/url.h"
#include "http/worker_pool.h"

namespace tandem::http {
namespace {

// A request body (or our response) that stalls this long closes the connection. Waiting
// for a request's header is bounded by ServerOptions::idle_timeout_s instead.
constexpr auto kIoTimeout = std::chrono::seconds(300);
// After an error reply we read and discard what the client still sends, for at most
// this long, before closing (see Session::LingeringClose).
constexpr auto kDrainTimeout = std::chrono::seconds(2);
constexpr std::uint32_t kHeaderLimit = 64 << 10;

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == beast::error_code(bhttp::error::bad_method).category();
}

// Temp files for upload bodies: <upload_dir>/upload-XXXXXX, created empty.
Result<std::string> MakeUploadFile(const std::string& dir) {
  std::string tmpl = dir + "/upload-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return IoError("cannot create an upload file in '" + dir + "': " + std::strerror(errno));
  ::close(fd);
  return std::string(name.data());
}

class Session;

// The open connections, so that at max_connections a new one can close the one idle
// longest. Thread-safe.
class ConnectionTable {
 public:
  uint64_t Add(std::weak_ptr<Session> session) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_[++next_id_] = std::move(session);
    return next_id_;
  }
  void Remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(id);
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return sessions_.size();
  }
  // The live session idle longest, or null when none is idle. O(open connections):
  // called only at the cap.
  std::shared_ptr<Session> OldestIdle();

 private:
  std::mutex mu_;
  uint64_t next_id_ = 0;
  std::map<uint64_t, std::weak_ptr<Session>> sessions_;
};

// What every session of a server shares; owned by Server::Impl, outlives the sessions.
struct ServerShared {
  Router router;
  ServerOptions options;
  OriginPolicy origin_policy;  // used when options.check_origin
  // By RouteClass; null where the class runs on the I/O threads.
  std::unique_ptr<WorkerPool> control, inference, long_ops;
  ConnectionTable connections;
  std::atomic<bool> ready{true};  // options.start_ready until Server::SetReady
};

// The body limit of a route and the setting that sets it, for the 413.
struct BodyLimit {
  uint64_t bytes = 0;
  const char* setting = "max_body_bytes";
};

BodyLimit LimitFor(const ServerOptions& o, const Router::Kind& kind) {
  if (kind.upload) return {o.max_upload_bytes, "max_upload_bytes"};
  switch (kind.route_class) {
    case RouteClass::kInference: return {o.max_inference_body_bytes, "max_inference_body_bytes"};
    case RouteClass::kArchive: return {o.max_archive_bytes, "max_archive_bytes"};
    default: return {o.max_body_bytes, "max_body_bytes"};
  }
}

// The pool a request runs in, with its name for the 503; null = on the I/O thread.
WorkerPool* PoolFor(ServerShared& shared, const Router::Kind& kind, const char** name) {
  if (!kind.matched) return nullptr;  // 404 / 405: cheap, never queued
  if (kind.upload) return *name = "long-operation", shared.long_ops.get();
  switch (kind.route_class) {
    case RouteClass::kControl: return *name = "control", shared.control.get();
    case RouteClass::kInference: return *name = "inference", shared.inference.get();
    case RouteClass::kLong:
    case RouteClass::kArchive: return *name = "long-operation", shared.long_ops.get();
    case RouteClass::kHealth: return nullptr;
  }
  return nullptr;
}

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// One connection: read a request, dispatch, write the response, repeat while
// keep-alive. The header is read first; the route it names decides whether the body
// goes to memory (max_body_bytes) or to a temp file (upload routes, max_upload_bytes).
// Each session runs on its own strand, so its handlers never overlap. A handler of a
// pooled class runs on that pool's thread, and its response is posted back to the strand.
// Lifetime: owned by the shared_ptrs captured in its pending handlers; it dies (and
// closes the socket) when its last handler finishes or the io_context is destroyed.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerShared& shared)
      : stream_(std::move(socket)), shared_(shared), router_(shared.router),
        options_(shared.options) {}
  ~Session() {
    RemoveUpload();
    if (id_ != 0) shared_.connections.Remove(id_);
  }

  void Start() {
    id_ = shared_.connections.Add(weak_from_this());
    DoRead();
  }

  // Since when this connection waits for a request (steady ns); 0 while one is under
  // way or once it was picked to be closed.
  int64_t idle_since() const { return evicted_.load() ? 0 : idle_since_.load(); }

  // Closes the connection if it is still idle (on its strand). Until then it is not
  // picked again, so a burst of new connections at the cap closes as many idle ones.
  void CloseIfIdle() {
    evicted_.store(true);
    auto self = shared_from_this();
    asio::post(stream_.get_executor(), [self] {
      if (self->idle_since_.load() == 0) return self->evicted_.store(false);
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      self->stream_.socket().close(ignored);
    });
  }

 private:
  void DoRead() {
    header_parser_.emplace();
    // The limit depends on the route, known once the header is in (OnHeader). Not
    // boost::none: Boost 1.74 compares a Content-Length with an empty optional as larger.
    header_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    header_parser_->header_limit(kHeaderLimit);
    limit_ = LimitFor(options_, {});
    idle_since_.store(NowNanos());
    stream_.expires_after(std::chrono::seconds(std::max(1, options_.idle_timeout_s)));
    bhttp::async_read_header(stream_, buffer_, *header_parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               self->idle_since_.store(0);
                               self->OnHeader(ec);
                             });
  }

  // True when `ec` ended the request; the matching reply (if any) is under way.
  bool HandleReadError(beast::error_code ec) {
    if (!ec) return false;
    if (ec == bhttp::error::body_limit) {
      // Chunked bodies pass the limit mid-way; the header has no length then.
      SendError(413, "request body exceeds the limit of " + std::to_string(limit_.bytes) +
                         " bytes" + SettingHint());
    } else if (ec == bhttp::error::header_limit) {
      SendError(431, "request header exceeds the limit of " + std::to_string(kHeaderLimit) +
                         " bytes");
    } else if (ec == bhttp::error::end_of_stream) {
      CloseSend();
    } else if (IsHttpParseError(ec) && ec != bhttp::error::partial_message) {
      // partial_message: the peer closed mid-request, nobody is left to answer.
      SendError(400, "malformed request: " + AsciiLower(ec.message()));
    }
    // Otherwise reset, timeout, server stopping: drop the connection.
    RemoveUpload();
    return true;
  }

  std::string SettingHint() const {
    return options_.name_settings ? std::string(" (server setting ") + limit_.setting + ")" : "";
  }

  void OnHeader(beast::error_code ec) {
    if (HandleReadError(ec)) return;
    const auto& head = header_parser_->get();
    const std::string method(head.method_string());
    kind_ = router_.KindOf(method, std::string(head.target()));
    if (options_.check_origin) {
      auto host = head.find(bhttp::field::host);
      auto origin = head.find(bhttp::field::origin);
      std::string host_value, origin_value;
      if (host != head.end()) host_value = std::string(host->value());
      if (origin != head.end()) origin_value = std::string(origin->value());
      std::string refused =
          CheckOrigin(shared_.origin_policy, method, host != head.end() ? &host_value : nullptr,
                      origin != head.end() ? &origin_value : nullptr);
      if (!refused.empty()) return SendError(403, std::move(refused));
    }
    limit_ = LimitFor(options_, kind_);
    const uint64_t limit = limit_.bytes;
    if (auto length = header_parser_->content_length(); length && *length > limit) {
      return SendError(413, "request body of " + std::to_string(*length) +
                                " bytes exceeds the limit of " + std::to_string(limit) +
                                " bytes" + SettingHint());
    }
    const bool upload = kind_.upload;
    if (!upload) {
      string_parser_.emplace(std::move(*header_parser_));
      string_parser_->body_limit(limit);
      bhttp::async_read(stream_, buffer_, *string_parser_,
                        [self = shared_from_this()](beast::error_code read_ec, size_t) {
                          self->OnStringBody(read_ec);
                        });
      return;
    }
    auto path = MakeUploadFile(options_.upload_dir);
    if (!path.ok()) return SendError(500, path.status().message());
    upload_path_ = *path;
    file_parser_.emplace(std::move(*header_parser_));
    file_parser_->body_limit(limit);
    file_parser_->get().body().open(upload_path_.c_str(), beast::file_mode::write, ec);
    if (ec) {
      return SendError(500, "cannot open upload file '" + upload_path_ + "': " + ec.message());
    }
    // curl asks before sending a big body and would otherwise wait a second for this.
    auto expect = file_parser_->get().find(bhttp::field::expect);
    if (expect == file_parser_->get().end() ||
        AsciiLower(ToStd(expect->value())) != "100-continue") {
      return ReadFileBody();
    }
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(kIoTimeout);
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](beast::error_code write_ec, size_t) {
                        if (write_ec) return self->RemoveUpload();
                        self->ReadFileBody();
                      });
  }

  // Chunk by chunk, so the timeout is for a stalled transfer, not a long one.
  void ReadFileBody() {
    if (file_parser_->is_done()) {
      file_parser_->get().body().close();
      Request req = RequestFrom(file_parser_->get());
      req.body_file = upload_path_;
      return Dispatch(std::move(req), file_parser_->get().keep_alive());
    }
    stream_.expires_after(kIoTimeout);
    bhttp::async_read_some(stream_, buffer_, *file_parser_,
                           [self = shared_from_this()](beast::error_code ec, size_t) {
                             if (self->HandleReadError(ec)) return;
                             self->ReadFileBody();
                           });
  }

  void OnStringBody(beast::error_code ec) {
    if (HandleReadError(ec)) return;
    auto& msg = string_parser_->get();
    Request req = RequestFrom(msg);
    req.body = std::move(msg.body());
    Dispatch(std::move(req), msg.keep_alive());
  }

  template <class Body>
  static Request RequestFrom(const bhttp::request<Body>& msg) {
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& field : msg) {
      std::string& value = req.headers[AsciiLower(ToStd(field.name_string()))];
      // Repeated headers fold into one comma-separated value (RFC 9110 5.3).
      if (!value.empty()) value += ", ";
      value += std::string(field.value());
    }
    return req;
  }

  Response RunHandler(Request& req) const {
    try {
      return router_.Dispatch(&req);
    } catch (const std::exception& e) {  // bad_alloc and the like; handlers are caught inside
      return ErrorResponse(Internal(std::string("handling the request failed: ") + e.what()));
    }
  }

  // On the I/O thread for kHealth, 404s and unpooled classes; else queued on the class's
  // pool, or 503 at once when its queue is full.
  void Dispatch(Request req, bool keep_alive) {
    if (kind_.route_class != RouteClass::kHealth && !shared_.ready.load(std::memory_order_acquire)) {
      RemoveUpload();
      return Send(RetryLater("server starting; retry after "), keep_alive, /*drain=*/false);
    }
    const char* pool_name = "";
    WorkerPool* pool = PoolFor(shared_, kind_, &pool_name);
    if (pool == nullptr) {
      Response resp = RunHandler(req);
      RemoveUpload();  // the handler is done with it, whatever it answered
      return Send(std::move(resp), keep_alive, /*drain=*/false);
    }
    auto self = shared_from_this();
    bool queued = pool->TrySubmit([self, req = std::move(req), keep_alive]() mutable {
      Response resp = self->RunHandler(req);
      asio::post(self->stream_.get_executor(),
                 [self, resp = std::move(resp), keep_alive]() mutable {
                   self->RemoveUpload();
                   self->Send(std::move(resp), keep_alive, /*drain=*/false);
                 });
    });
    if (queued) return;
    RemoveUpload();
    Send(RetryLater(std::string("server busy: the ") + pool_name + " queue is full; retry after "),
         keep_alive, /*drain=*/false);
  }

  // A 503 with Retry-After: `message` ends "retry after " and gets the seconds.
  Response RetryLater(const std::string& message) const {
    Response busy = JsonResponse(
        {{"error", message + std::to_string(options_.retry_after_s) + " s"}}, 503);
    busy.headers["Retry-After"] = std::to_string(options_.retry_after_s);
    return busy;
  }

  void RemoveUpload() {
    if (upload_path_.empty()) return;
    ::unlink(upload_path_.c_str());
    upload_path_.clear();
  }

  // Replies with {"error": message} and closes: after a bad request the rest of the
  // byte stream cannot be trusted to start at a message boundary.
  void SendError(int status, std::string message) {
    RemoveUpload();
    Send(JsonResponse({{"error", std::move(message)}}, status), /*keep_alive=*/false,
         /*drain=*/true);
  }

  template <class Body>
  static void SetHead(bhttp::response<Body>& res, const Response& resp, bool keep_alive) {
    res.version(11);
    int status = resp.status >= 100 && resp.status <= 999 ? resp.status : 500;
    res.result(static_cast<unsigned>(status));
    res.set(bhttp::field::server, "tandem");
    if (!resp.content_type.empty()) res.set(bhttp::field::content_type, resp.content_type);
    for (const auto& [name, value] : resp.headers) res.set(name, value);
    res.keep_alive(keep_alive);
  }

  void Send(Response resp, bool keep_alive, bool drain) {
    if (!resp.body_file.empty()) return SendFile(std::move(resp), keep_alive);
    res_ = {};
    SetHead(res_, resp, keep_alive);
    res_.body() = std::move(resp.body);
    res_.prepare_payload();
    stream_.expires_after(kIoTimeout);
    bhttp::async_write(stream_, res_,
                       [self = shared_from_this(), keep_alive, drain](beast::error_code ec,
                                                                      size_t) {
                         self->AfterWrite(ec, keep_alive, drain);
                       });
  }

  // The file is read in chunks as the socket takes them; each chunk has its own timeout.
  void SendFile(Response resp, bool keep_alive) {
    file_res_.emplace();
    beast::error_code ec;
    file_res_->body().open(resp.body_file.c_str(), beast::file_mode::scan, ec);
    if (ec) {
      file_res_.reset();
      return Send(ErrorResponse(Internal("cannot open '" + resp.body_file + "': " +
                                         AsciiLower(ec.message()))),
                  keep_alive, /*drain=*/false);
    }
    SetHead(*file_res_, resp, keep_alive);
    file_res_->prepare_payload();
    file_serializer_.emplace(*file_res_);
    WriteFileChunk(keep_alive);
  }

  void WriteFileChunk(bool keep_alive) {
    if (file_serializer_->is_done()) {
      file_serializer_.reset();
      file_res_.reset();
      return AfterWrite({}, keep_alive, /*drain=*/false);
    }
    stream_.expires_after(kIoTimeout);
    bhttp::async_write_some(stream_, *file_serializer_,
                            [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                              if (ec) return;
                              self->WriteFileChunk(keep_alive);
                            });
  }

  void AfterWrite(beast::error_code ec, bool keep_alive, bool drain) {
    if (ec) return;
    if (drain) return LingeringClose();
    if (!keep_alive) return CloseSend();
    DoRead();
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
  ServerShared& shared_;
  const Router& router_;
  const ServerOptions& options_;
  uint64_t id_ = 0;  // in shared_.connections
  std::atomic<int64_t> idle_since_{0};
  std::atomic<bool> evicted_{false};
  Router::Kind kind_;  // of the request being read
  BodyLimit limit_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> string_parser_;
  std::optional<bhttp::request_parser<bhttp::file_body>> file_parser_;
  std::string upload_path_;  // the current request's body file, removed after dispatch
  bhttp::response<bhttp::string_body> res_;
  std::optional<bhttp::response<bhttp::file_body>> file_res_;
  std::optional<bhttp::response_serializer<bhttp::file_body>> file_serializer_;
  std::vector<char> drain_buffer_;
};

std::shared_ptr<Session> ConnectionTable::OldestIdle() {
  // Locked outside mu_: the last reference to a session may drop here, and its
  // destructor takes mu_ to remove itself.
  std::vector<std::weak_ptr<Session>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.reserve(sessions_.size());
    for (const auto& entry : sessions_) all.push_back(entry.second);
  }
  std::shared_ptr<Session> oldest;
  int64_t oldest_since = 0;
  for (const auto& weak : all) {
    auto session = weak.lock();
    if (!session) continue;
    int64_t since = session->idle_since();
    if (since != 0 && (!oldest || since < oldest_since)) {
      oldest = std::move(session);
      oldest_since = since;
    }
  }
  return oldest;
}

}  // namespace

struct Server::Impl {
  ServerShared shared;
  ServerOptions& options = shared.options;
  Router& router = shared.router;
  bool has_upload_routes = false;

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
      if (shared.connections.size() >= static_cast<size_t>(std::max(1, options.max_connections))) {
        // Full: the connection idle longest makes room; with none idle, the new one goes.
        auto oldest = shared.connections.OldestIdle();
        if (!oldest) {
          socket.close(ignored);
          return DoAccept();
        }
        oldest->CloseIfIdle();
      }
      std::make_shared<Session>(std::move(socket), shared)->Start();
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
  impl_->shared.ready = impl_->options.start_ready;
}

Server::~Server() { Stop(); }

void Server::Route(const std::string& method, const std::string& pattern, Handler handler,
                   RouteClass route_class) {
  impl_->router.Add(method, pattern, std::move(handler), /*upload=*/false, route_class);
}

void Server::UploadRoute(const std::string& method, const std::string& pattern, Handler handler) {
  impl_->router.Add(method, pattern, std::move(handler), /*upload=*/true);
  impl_->has_upload_routes = true;
}

Status Server::Start() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.stopped) return FailedPrecondition("http server: Start() after Stop()");
  if (s.started) return FailedPrecondition("http server: already started");
  const std::string where = s.options.host + ":" + std::to_string(s.options.port);
  if (s.has_upload_routes) {
    if (s.options.upload_dir.empty()) {
      return FailedPrecondition("http server: upload routes need ServerOptions::upload_dir");
    }
    std::error_code dir_ec;
    std::filesystem::create_directories(s.options.upload_dir, dir_ec);
    if (dir_ec) {
      return IoError("cannot create upload dir '" + s.options.upload_dir + "': " +
                     dir_ec.message());
    }
  }
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
  s.shared.origin_policy = {s.options.host, s.port, s.options.allowed_hosts,
                            s.options.allowed_origins};
  auto make_pool = [](const Admission& a) {
    return a.workers > 0 ? std::make_unique<WorkerPool>(a.workers, a.queue) : nullptr;
  };
  s.shared.control = make_pool(s.options.control);
  s.shared.inference = make_pool(s.options.inference);
  s.shared.long_ops = make_pool(s.options.long_ops);
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

void Server::SetReady() { impl_->shared.ready.store(true, std::memory_order_release); }

bool Server::ready() const { return impl_->shared.ready.load(std::memory_order_acquire); }

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
  // Handlers still running finish (their replies go nowhere); queued ones are dropped.
  for (auto* pool : {&s.shared.control, &s.shared.inference, &s.shared.long_ops}) {
    if (*pool) (*pool)->Stop();
  }
  s.Teardown();
}

}  // namespace tandem::http
