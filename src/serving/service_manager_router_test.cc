#include "serving/service_manager_router.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "http/http.h"

namespace tandem::serving {
namespace {

TEST(TrafficRouterTest, CanaryGetsExactlyItsShareSpreadEvenly) {
  TrafficRouter router;
  std::vector<RouteCandidate> replicas = {{false, true, 0, false}, {false, true, 0, false},
                                          {true, true, 0, false}};
  int canary = 0, first_half = 0;
  for (int i = 0; i < 100; ++i) {
    auto pick = router.Pick(replicas, 10);
    ASSERT_TRUE(pick.has_value());
    if (replicas[*pick].canary) {
      ++canary;
      if (i < 50) ++first_half;
    }
  }
  EXPECT_EQ(canary, 10);
  EXPECT_EQ(first_half, 5);
}

TEST(TrafficRouterTest, LeastBusyWinsAndTiesRotate) {
  TrafficRouter router;
  std::vector<RouteCandidate> replicas = {{false, true, 3, false}, {false, true, 1, false},
                                          {false, true, 2, false}};
  EXPECT_EQ(router.Pick(replicas, 0), 1u);
  replicas[1].in_flight = 2;
  std::set<size_t> seen;
  for (int i = 0; i < 4; ++i) seen.insert(*router.Pick(replicas, 0));
  EXPECT_EQ(seen, (std::set<size_t>{1, 2}));
}

TEST(TrafficRouterTest, SkipsDrainingAndFailedReplicasAndEmptyTracks) {
  TrafficRouter router;
  std::vector<RouteCandidate> replicas = {{false, false, 0, false}, {false, true, 0, true},
                                          {true, true, 5, false}};
  // Only the canary can answer, whatever the weight says.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(router.Pick(replicas, 0), 2u);
  replicas[2].routable = false;
  EXPECT_FALSE(router.Pick(replicas, 50).has_value());
  EXPECT_FALSE(router.Pick({}, 0).has_value());
}

// A fake replica on a loopback port: it accepts `accepts` connections, reads what
// arrives and closes without answering, the way a replica that dies mid-request does.
class AcceptAndCloseReplica {
 public:
  explicit AcceptAndCloseReplica(int accepts) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, accepts] {
      for (int i = 0; i < accepts; ++i) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        char buf[4096];
        (void)::recv(c, buf, sizeof buf, 0);
        ::close(c);
      }
    });
  }
  ~AcceptAndCloseReplica() {
    thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(ForwardFailureTest, AReplicaThatTookTheRequestAndClosedIsNotRetried) {
  AcceptAndCloseReplica replica(1);
  auto r = http::Call("POST", "http://127.0.0.1:" + std::to_string(replica.port()) + "/v2/x",
                      "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ClassifyForwardFailure(r.status()), ForwardFailure::kTaken) << r.status().ToString();
}

TEST(ForwardFailureTest, ARefusedConnectionMayGoElsewhere) {
  int port = 0;
  {
    AcceptAndCloseReplica gone(0);  // bound, then closed: nothing listens there now
    port = gone.port();
  }
  auto r = http::Call("GET", "http://127.0.0.1:" + std::to_string(port) + "/v2/health/ready");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ClassifyForwardFailure(r.status()), ForwardFailure::kNotSent) << r.status().ToString();
  EXPECT_EQ(ClassifyForwardFailure(Status(StatusCode::kDeadlineExceeded, "no response")),
            ForwardFailure::kTaken);
}

}  // namespace
}  // namespace tandem::serving
