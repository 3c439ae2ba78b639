// Server and client over real loopback sockets (port 0). Raw POSIX sockets stand in
// for clients that Call() cannot play: keep-alive, malformed and idle connections.
#include "http/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace tandem::http {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A blocking TCP client with a 5 s receive timeout, so a broken server fails a test
// instead of hanging it.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }

  void Send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  // Reads until `count` complete responses (with Content-Length) arrived, the peer
  // closed, or 5 s passed. Returns everything read.
  std::string ReadResponses(int count) {
    while (CompleteResponses() < count && ReadMore()) {
    }
    return data_;
  }

  // True when the peer closes the connection (after any pending data) within 5 s:
  // EOF, or a reset (what a connection still in the listen backlog gets).
  bool ReadsClose() {
    while (ReadMore()) {
    }
    return eof_ || reset_;
  }

 private:
  bool ReadMore() {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0) eof_ = true;
    if (n < 0 && errno == ECONNRESET) reset_ = true;
    if (n <= 0) return false;
    data_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int CompleteResponses() const {
    int count = 0;
    size_t pos = 0;
    while (true) {
      size_t header_end = data_.find("\r\n\r\n", pos);
      if (header_end == std::string::npos) return count;
      size_t length_at = data_.find("Content-Length: ", pos);
      if (length_at == std::string::npos || length_at > header_end) return count;
      size_t length = std::stoul(data_.substr(length_at + 16));
      if (data_.size() < header_end + 4 + length) return count;
      pos = header_end + 4 + length;
      ++count;
    }
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  bool reset_ = false;
  std::string data_;
};

std::string UrlFor(const Server& server, const std::string& target) {
  return "http://127.0.0.1:" + std::to_string(server.port()) + target;
}

// A server with the routes most tests need.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(ServerOptions{}); }

  void StartServer(ServerOptions options) {
    server_ = std::make_unique<Server>(options);
    server_->Route("GET", "/ping", [](const Request&) { return JsonResponse({{"pong", true}}); });
    server_->Route("POST", "/echo", [](const Request& req) {
      Response r;
      r.content_type = "application/octet-stream";
      r.body = req.body;
      r.headers["X-Got-Type"] = req.headers.count("content-type") ? req.headers.at("content-type")
                                                                  : "";
      return r;
    });
    server_->Route("GET", "/models/{name}/files/{rest*}", [](const Request& req) {
      Json q = Json::object();
      for (const auto& [k, v] : req.query) q[k] = v;
      return JsonResponse({{"name", req.params.at("name")},
                           {"rest", req.params.at("rest")},
                           {"path", req.path},
                           {"query", q}});
    });
    server_->Route("DELETE", "/models/{name}", [](const Request&) {
      Response r;
      r.status = 204;
      return r;
    });
    server_->Route("GET", "/boom", [](const Request&) -> Response {
      throw std::runtime_error("kaput");
    });
    server_->Route("GET", "/slow", [](const Request&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      return JsonResponse("done");
    });
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);
  }

  Result<Response> Get(const std::string& target) { return Call("GET", UrlFor(*server_, target)); }

  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, RoutesParamsAndDecodesQuery) {
  auto r = Get("/models/my%20model/files/a/b%2Fc.txt?state=failed&q=x+y%26z");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, "application/json");
  Json body = Json::parse(r->body);
  EXPECT_EQ(body["name"], "my model");
  EXPECT_EQ(body["rest"], "a/b/c.txt");
  EXPECT_EQ(body["path"], "/models/my model/files/a/b/c.txt");
  EXPECT_EQ(body["query"], (Json{{"state", "failed"}, {"q", "x y&z"}}));
  EXPECT_EQ(r->headers["content-length"], std::to_string(r->body.size()));
  EXPECT_EQ(r->headers["server"], "tandem");

  auto empty_rest = Get("/models/m/files");
  ASSERT_TRUE(empty_rest.ok());
  EXPECT_EQ(Json::parse(empty_rest->body)["rest"], "");
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowedBodies) {
  auto r = Get("/x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(Json::parse(r->body), (Json{{"error", "no route for GET /x"}}));

  r = Call("PUT", UrlFor(*server_, "/models/m"), "{}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(Json::parse(r->body)["error"], "method PUT not allowed for /models/m (allowed: DELETE)");
  EXPECT_EQ(r->headers["allow"], "DELETE");

  r = Call("DELETE", UrlFor(*server_, "/models/m"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->body, "");
}

TEST_F(ServerTest, TwoMegabyteBodyRoundTripsWithHeaders) {
  std::string big(2 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 % 251);
  auto r = Call("POST", UrlFor(*server_, "/echo"), big, "application/x-test");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, "application/octet-stream");
  EXPECT_EQ(r->headers["x-got-type"], "application/x-test");
  EXPECT_TRUE(r->body == big);
}

TEST_F(ServerTest, BodyOverTheLimitIs413AndTheServerStaysUp) {
  ServerOptions options;
  options.max_body_bytes = 1 << 20;
  StartServer(options);
  auto r = Call("POST", UrlFor(*server_, "/echo"), std::string(2 << 20, 'x'));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Json::parse(r->body),
            (Json{{"error", "request body of 2097152 bytes exceeds the limit of 1048576 bytes"}}));
  auto next = Get("/ping");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->status, 200);
  auto at_limit = Call("POST", UrlFor(*server_, "/echo"), std::string(1 << 20, 'y'));
  ASSERT_TRUE(at_limit.ok());
  EXPECT_EQ(at_limit->status, 200);
}

TEST_F(ServerTest, ThrowingHandlerIs500AndTheServerStaysUp) {
  auto r = Get("/boom");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(Json::parse(r->body)["error"], "handler for GET /boom failed: kaput");
  auto next = Get("/ping");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, TwoHundredSequentialCallsAreFast) {
  auto start = Clock::now();
  for (int i = 0; i < 200; ++i) {
    auto r = Get("/ping");
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    ASSERT_EQ(r->status, 200);
  }
  // With a 40 ms delayed-ACK stall per request this would take 8 s.
  EXPECT_LT(SecondsSince(start), 4.0);
}

TEST_F(ServerTest, KeepAliveServesPipelinedRequestsOnOneConnection) {
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.connected());
  const std::string ping = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";
  conn.Send(ping + ping);
  std::string got = conn.ReadResponses(2);
  size_t first = got.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos) << got;
  EXPECT_NE(got.find("HTTP/1.1 200", first + 1), std::string::npos) << got;
  conn.Send(ping);  // still open after two
  got = conn.ReadResponses(3);
  size_t third = got.rfind("HTTP/1.1 200");
  EXPECT_GT(third, first);
  EXPECT_NE(got.find("{\"pong\":true}", third), std::string::npos) << got;
  conn.Send("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(conn.ReadsClose());
}

TEST_F(ServerTest, MalformedRequestIs400AndCloses) {
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.connected());
  conn.Send("THIS IS NOT HTTP\r\n\r\n");
  std::string got = conn.ReadResponses(1);
  EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << got;
  EXPECT_NE(got.find("malformed request"), std::string::npos) << got;
  EXPECT_TRUE(conn.ReadsClose());
  auto next = Get("/ping");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, ConcurrentCallsAllSucceed) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto r = Get("/models/m/files/x?i=" + std::to_string(i));
        if (r.ok() && r->status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
}

TEST_F(ServerTest, ClientTimeoutIsDeadlineExceeded) {
  ClientOptions options;
  options.timeout_ms = 100;
  auto start = Clock::now();
  auto r = Call("GET", UrlFor(*server_, "/slow"), "", "application/json", options);
  EXPECT_LT(SecondsSince(start), 0.35);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().ToString();
  EXPECT_NE(r.status().message().find("no response within 100 ms"), std::string::npos);
}

TEST_F(ServerTest, StopWithAnIdleConnectionReturnsPromptlyAndClosesIt) {
  RawConnection idle(server_->port());
  ASSERT_TRUE(idle.connected());
  idle.Send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_NE(idle.ReadResponses(1).find("HTTP/1.1 200"), std::string::npos);
  RawConnection silent(server_->port());  // connected, never sends a byte
  ASSERT_TRUE(silent.connected());
  auto start = Clock::now();
  server_->Stop();
  EXPECT_LT(SecondsSince(start), 1.0);
  EXPECT_TRUE(idle.ReadsClose());
  EXPECT_TRUE(silent.ReadsClose());
  server_->Stop();  // idempotent
}

TEST(Server, RestartOnTheSamePortWorks) {
  int port = 0;
  {
    Server first(ServerOptions{});
    first.Route("GET", "/ping", [](const Request&) { return JsonResponse("a"); });
    ASSERT_TRUE(first.Start().ok());
    port = first.port();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(Call("GET", UrlFor(first, "/ping")).ok());
  }  // the destructor stops it; its closed connections sit in TIME_WAIT
  ServerOptions options;
  options.port = port;
  Server second(options);
  second.Route("GET", "/ping", [](const Request&) { return JsonResponse("b"); });
  Status st = second.Start();
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto r = Call("GET", UrlFor(second, "/ping"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "\"b\"");
}

TEST(Server, PortInUseNamesHostAndPort) {
  Server first(ServerOptions{});
  ASSERT_TRUE(first.Start().ok());
  ServerOptions options;
  options.port = first.port();
  Server second(options);
  Status st = second.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("127.0.0.1:" + std::to_string(first.port())), std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("address already in use"), std::string::npos) << st.message();
}

TEST(Server, StartTwiceAndStopWithoutStart) {
  Server never(ServerOptions{});
  never.Stop();
  never.Stop();
  Server server(ServerOptions{});
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(server.Start().code(), StatusCode::kFailedPrecondition);
}

TEST(Client, ClosedPortIsUnavailable) {
  int port = 0;
  {
    Server server(ServerOptions{});
    ASSERT_TRUE(server.Start().ok());
    port = server.port();
  }
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto r = Call("GET", base + "/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message(), "cannot reach " + base + ": connection refused");
}

TEST(Client, BadUrlIsInvalidArgument) {
  auto r = Call("GET", "ftp://h/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tandem::http

namespace tandem::http {
namespace {

// Routes of every class on one server with small pools, for the admission tests.
class AdmissionTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options) {
    server_ = std::make_unique<Server>(options);
    server_->Route("GET", "/healthz", [](const Request&) { return JsonResponse("ok"); },
                   RouteClass::kHealth);
    server_->Route("POST", "/check", [this](const Request&) {
      ++long_started_;
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      return JsonResponse("checked");
    }, RouteClass::kArchive);
    server_->Route("POST", "/infer", [](const Request& req) { return JsonResponse(req.body.size()); },
                   RouteClass::kInference);
    server_->Route("POST", "/control", [](const Request& req) { return JsonResponse(req.body.size()); });
    ASSERT_TRUE(server_->Start().ok());
  }
  static ServerOptions Pooled() {
    ServerOptions o;
    o.control = {2, 8};
    o.inference = {2, 8};
    o.long_ops = {2, 2};
    return o;
  }
  std::string Url(const std::string& target) { return UrlFor(*server_, target); }

  std::unique_ptr<Server> server_;
  std::atomic<int> long_started_{0};
};

TEST_F(AdmissionTest, BodyLimitsFollowTheRouteClassAndNameTheSetting) {
  ServerOptions o = Pooled();
  o.max_body_bytes = 1000;
  o.max_inference_body_bytes = 5000;
  o.name_settings = true;
  StartServer(o);
  auto control = Call("POST", Url("/control"), std::string(2000, 'x'));
  ASSERT_TRUE(control.ok());
  EXPECT_EQ(control->status, 413);
  EXPECT_EQ(Json::parse(control->body)["error"],
            "request body of 2000 bytes exceeds the limit of 1000 bytes (server setting max_body_bytes)");
  auto infer = Call("POST", Url("/infer"), std::string(2000, 'x'));
  ASSERT_TRUE(infer.ok());
  EXPECT_EQ(infer->status, 200);
  auto too_big = Call("POST", Url("/infer"), std::string(6000, 'x'));
  ASSERT_TRUE(too_big.ok());
  EXPECT_EQ(too_big->status, 413);
  EXPECT_NE(too_big->body.find("max_inference_body_bytes"), std::string::npos);
  // Chunked: no length up front, refused as it passes the limit.
  RawConnection raw(server_->port());
  raw.Send("POST /control HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
           "800\r\n" + std::string(0x800, 'y') + "\r\n0\r\n\r\n");
  std::string reply = raw.ReadResponses(1);
  EXPECT_NE(reply.find("HTTP/1.1 413"), std::string::npos) << reply;
  EXPECT_NE(reply.find("limit of 1000 bytes (server setting max_body_bytes)"), std::string::npos);
}

TEST_F(AdmissionTest, UntilReadyOnlyHealthRoutesAreAnswered) {
  ServerOptions o = Pooled();
  o.start_ready = false;
  StartServer(o);
  EXPECT_FALSE(server_->ready());
  auto health = Call("GET", Url("/healthz"));
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  auto early = Call("POST", Url("/control"), "{}");
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->status, 503);
  EXPECT_EQ(early->headers["retry-after"], "1");
  EXPECT_EQ(Json::parse(early->body)["error"], "server starting; retry after 1 s");
  server_->SetReady();
  auto later = Call("POST", Url("/control"), "{}");
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->status, 200);
}

TEST_F(AdmissionTest, SaturatedLongClassDelaysNeitherHealthNorOtherClasses) {
  StartServer(Pooled());
  // 2 running + 2 waiting fill the long class; a fifth gets 503 at once.
  std::vector<std::thread> checks;
  std::atomic<int> ok{0}, busy{0};
  for (int i = 0; i < 4; ++i) {
    checks.emplace_back([&] {
      auto r = Call("POST", Url("/check"), "tar");
      if (r.ok() && r->status == 200) ++ok;
    });
  }
  while (long_started_ < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the other two queue
  auto start = Clock::now();
  auto overflow = Call("POST", Url("/check"), "tar");
  ASSERT_TRUE(overflow.ok());
  EXPECT_EQ(overflow->status, 503);
  EXPECT_EQ(overflow->headers["retry-after"], "1");
  EXPECT_NE(overflow->body.find("long-operation queue is full"), std::string::npos);
  for (int i = 0; i < 20; ++i) {
    auto health = Call("GET", Url("/healthz"));
    ASSERT_TRUE(health.ok());
    EXPECT_EQ(health->status, 200);
    auto infer = Call("POST", Url("/infer"), "{}");
    ASSERT_TRUE(infer.ok());
    EXPECT_EQ(infer->status, 200);
    auto control = Call("POST", Url("/control"), "{}");
    ASSERT_TRUE(control.ok());
    EXPECT_EQ(control->status, 200);
  }
  EXPECT_LT(SecondsSince(start), 1.0);  // 60 requests while every check still sleeps
  EXPECT_LT(long_started_, 4);
  for (auto& t : checks) t.join();
  EXPECT_EQ(ok, 4);  // the queued two ran after the first two
}

TEST_F(AdmissionTest, HundredsOfIdleConnectionsDoNotBlockANewRequest) {
  ServerOptions o = Pooled();
  o.max_connections = 100;
  StartServer(o);
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 300; ++i) {
    idle.push_back(std::make_unique<RawConnection>(server_->port()));
    ASSERT_TRUE(idle.back()->connected());
  }
  auto start = Clock::now();
  auto r = Call("GET", Url("/healthz"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(SecondsSince(start), 1.0);
  // The cap closed the oldest idle ones to make room for the newest, which still work.
  EXPECT_TRUE(idle.front()->ReadsClose());
  idle.back()->Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(idle.back()->ReadResponses(1).find("HTTP/1.1 200"), std::string::npos);
}

TEST_F(AdmissionTest, IdleConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions o = Pooled();
  o.idle_timeout_s = 1;
  StartServer(o);
  RawConnection silent(server_->port());
  auto start = Clock::now();
  EXPECT_TRUE(silent.ReadsClose());
  EXPECT_GT(SecondsSince(start), 0.8);
  EXPECT_LT(SecondsSince(start), 3.0);
}

TEST_F(AdmissionTest, ForeignOriginAndHostAre403AndPlainClientsPass) {
  ServerOptions o = Pooled();
  o.check_origin = true;
  o.allowed_origins = {"https://ui.example.org"};
  o.allowed_hosts = {"tandem.internal"};
  StartServer(o);
  const std::string self = "127.0.0.1:" + std::to_string(server_->port());
  auto send = [&](const std::string& method, const std::string& target,
                  const std::string& headers) {
    RawConnection raw(server_->port());
    raw.Send(method + " " + target + " HTTP/1.1\r\n" + headers +
             "Content-Length: 2\r\n\r\n{}");
    std::string reply = raw.ReadResponses(1);
    return reply.substr(9, 3);
  };
  EXPECT_EQ(send("POST", "/control", "Host: " + self + "\r\n"), "200");  // curl, the CLI
  EXPECT_EQ(send("POST", "/control", "Host: " + self + "\r\nOrigin: http://" + self + "\r\n"), "200");
  EXPECT_EQ(send("POST", "/control", "Host: " + self + "\r\nOrigin: https://ui.example.org\r\n"), "200");
  EXPECT_EQ(send("POST", "/control", "Host: " + self + "\r\nOrigin: http://evil.example\r\n"), "403");
  EXPECT_EQ(send("POST", "/control", "Host: " + self + "\r\nOrigin: null\r\n"), "403");
  EXPECT_EQ(send("GET", "/healthz", "Host: " + self + "\r\nOrigin: http://evil.example\r\n"), "200");
  // DNS rebinding: the page's own name in Host.
  const std::string port = std::to_string(server_->port());
  EXPECT_EQ(send("GET", "/healthz", "Host: evil.example:" + port + "\r\n"), "403");
  EXPECT_EQ(send("GET", "/healthz", "Host: localhost:" + port + "\r\n"), "200");
  EXPECT_EQ(send("GET", "/healthz", "Host: tandem.internal:" + port + "\r\n"), "200");
  EXPECT_EQ(send("GET", "/healthz", "Host: 127.0.0.1:1\r\n"), "403");
  auto r = Call("POST", Url("/control"), "{}");  // the project's own client
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace tandem::http
