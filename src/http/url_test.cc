#include "http/url.h"

#include <gtest/gtest.h>

#include "http/http.h"

namespace tandem::http {
namespace {

TEST(ParseUrl, HostPortPathAndQuery) {
  std::string host, target;
  int port = 0;
  ASSERT_TRUE(ParseUrl("http://127.0.0.1:8080/v2/models/m/infer?x=1", &host, &port, &target).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  EXPECT_EQ(target, "/v2/models/m/infer?x=1");
}

TEST(ParseUrl, DefaultsPortAndPath) {
  std::string host, target;
  int port = 0;
  ASSERT_TRUE(ParseUrl("http://example.com/a", &host, &port, &target).ok());
  EXPECT_EQ(host, "example.com");
  EXPECT_EQ(port, 80);
  EXPECT_EQ(target, "/a");
  ASSERT_TRUE(ParseUrl("http://localhost:9", &host, &port, &target).ok());
  EXPECT_EQ(port, 9);
  EXPECT_EQ(target, "/");
  ASSERT_TRUE(ParseUrl("http://h?q=1#frag", &host, &port, &target).ok());
  EXPECT_EQ(target, "/?q=1");
}

TEST(ParseUrl, Ipv6Literal) {
  std::string host, target;
  int port = 0;
  ASSERT_TRUE(ParseUrl("http://[::1]:81/x", &host, &port, &target).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 81);
  EXPECT_EQ(target, "/x");
}

TEST(ParseUrl, RejectsOthersWithAClearError) {
  std::string host, target;
  int port = 0;
  for (const char* bad : {"https://h/x", "h:80/x", "", "http://", "http://:80/x", "http://h:/x",
                          "http://h:abc/x", "http://h:70000/x", "http://h:0/", "http://u@h/x",
                          "http://[::1/x"}) {
    Status st = ParseUrl(bad, &host, &port, &target);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(st.message().find(std::string("'") + bad + "'"), std::string::npos) << st.message();
  }
  Status st = ParseUrl("https://h/x", &host, &port, &target);
  EXPECT_NE(st.message().find("expected http://"), std::string::npos) << st.message();
}

TEST(PercentDecode, DecodesEscapesAndKeepsMalformedOnes) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecode("%e2%82%ac"), "\xe2\x82\xac");
}

TEST(ParseQuery, DecodesPairs) {
  auto q = ParseQuery("state=failed&name=a%20b&tag=x+y&flag&&k=1&k=2");
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(q["state"], "failed");
  EXPECT_EQ(q["name"], "a b");
  EXPECT_EQ(q["tag"], "x y");
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(q["k"], "2");
}

TEST(PathSegments, SplitsThenDecodes) {
  EXPECT_EQ(PathSegments("/"), (std::vector<std::string>{""}));
  EXPECT_EQ(PathSegments("/a/b%2Fc/"), (std::vector<std::string>{"a", "b/c", ""}));
}

}  // namespace
}  // namespace tandem::http
