// Bodies that go through files instead of memory: upload routes (the request body
// streamed to a temp file), file responses, and the client's file body and sink.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "http/http.h"

namespace tandem::http {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// Bytes that differ position by position, so a chunk out of order is noticed.
std::string Pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>(i * 131 % 251);
  return s;
}

class FileTransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tandem-http-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  // Upload route POST /upload answers the body file's size and content check; string
  // route POST /echo; GET /file/{name} answers the file dir_/name as text/csv.
  void StartServer(size_t max_body, uint64_t max_upload) {
    ServerOptions options;
    options.max_body_bytes = max_body;
    options.max_upload_bytes = max_upload;
    options.upload_dir = (dir_ / "uploads").string();
    server_ = std::make_unique<Server>(options);
    server_->UploadRoute("POST", "/upload", [this](const Request& req) {
      std::lock_guard<std::mutex> lock(mu_);
      seen_file_ = req.body_file;
      seen_in_memory_ = req.body.size();
      seen_content_ = ReadAll(req.body_file);
      if (req.query.count("fail")) return ErrorResponse(InvalidArgument("refused on purpose"));
      if (req.query.count("slow")) std::this_thread::sleep_for(std::chrono::milliseconds(500));
      return JsonResponse({{"size", seen_content_.size()}}, 201);
    });
    server_->Route("POST", "/echo", [](const Request& req) { return JsonResponse(req.body.size()); });
    server_->Route("GET", "/file/{name}", [this](const Request& req) {
      return FileResponse((dir_ / req.params.at("name")).string(), "text/csv");
    });
    ASSERT_TRUE(server_->Start().ok());
  }

  std::string Url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + target;
  }

  fs::path WriteFile(const std::string& name, const std::string& content) {
    fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  size_t UploadsLeft() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "uploads")) ++n;
    return n;
  }

  fs::path dir_;
  std::unique_ptr<Server> server_;
  std::mutex mu_;
  std::string seen_file_, seen_content_;
  size_t seen_in_memory_ = 0;
};

TEST_F(FileTransferTest, UploadOverTheStringLimitStreamsToAFileThatIsRemovedAfter) {
  StartServer(/*max_body=*/1 << 20, /*max_upload=*/64 << 20);
  const std::string content = Pattern((5 << 20) + 17);  // several client chunks, not aligned
  fs::path file = WriteFile("big.bin", content);

  std::vector<std::pair<uint64_t, uint64_t>> progress;
  ClientOptions options;
  options.request_body_file = file.string();
  options.upload_progress = [&](uint64_t done, uint64_t total) { progress.emplace_back(done, total); };
  auto r = Call("POST", Url("/upload"), "", "application/octet-stream", options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(Json::parse(r->body)["size"], content.size());
  EXPECT_TRUE(seen_content_ == content);
  EXPECT_EQ(seen_in_memory_, 0u);
  EXPECT_EQ(fs::path(seen_file_).parent_path(), dir_ / "uploads");
  EXPECT_FALSE(fs::exists(seen_file_));
  ASSERT_GE(progress.size(), 2u);
  EXPECT_EQ(progress.back(), std::make_pair(uint64_t{content.size()}, uint64_t{content.size()}));
  for (size_t i = 1; i < progress.size(); ++i) EXPECT_GT(progress[i].first, progress[i - 1].first);

  // The same body on a string route still meets the string limit.
  auto echo = Call("POST", Url("/echo"), "", "application/octet-stream", options);
  ASSERT_TRUE(echo.ok()) << echo.status().ToString();
  EXPECT_EQ(echo->status, 413);

  // A handler's error answer removes the file all the same.
  auto failed = Call("POST", Url("/upload?fail=1"), "", "application/octet-stream", options);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status, 400);
  EXPECT_FALSE(fs::exists(seen_file_));
  EXPECT_EQ(UploadsLeft(), 0u);
}

TEST_F(FileTransferTest, UploadOverItsLimitIs413AndLeavesNoFile) {
  StartServer(/*max_body=*/1 << 20, /*max_upload=*/2 << 20);
  ClientOptions options;
  options.request_body_file = WriteFile("big.bin", Pattern(3 << 20)).string();
  auto r = Call("POST", Url("/upload"), "", "application/octet-stream", options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Json::parse(r->body)["error"],
            "request body of 3145728 bytes exceeds the limit of 2097152 bytes");
  EXPECT_EQ(UploadsLeft(), 0u);
  EXPECT_TRUE(seen_file_.empty());  // the handler never ran

  options.request_body_file = WriteFile("ok.bin", Pattern(2 << 20)).string();
  auto at_limit = Call("POST", Url("/upload"), "", "application/octet-stream", options);
  ASSERT_TRUE(at_limit.ok());
  EXPECT_EQ(at_limit->status, 201);
}

// The per-chunk timeout is short; the wait for a slow handler's answer has its own.
TEST_F(FileTransferTest, ResponseTimeoutCoversASlowHandler) {
  StartServer(1 << 20, 1 << 20);
  ClientOptions options;
  options.request_body_file = WriteFile("small.bin", Pattern(1000)).string();
  options.timeout_ms = 200;
  auto late = Call("POST", Url("/upload?slow=1"), "", "", options);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(late.status().message().find("no response within 200 ms"), std::string::npos)
      << late.status().message();
  options.response_timeout_ms = 5000;
  auto waited = Call("POST", Url("/upload?slow=1"), "", "", options);
  ASSERT_TRUE(waited.ok()) << waited.status().ToString();
  EXPECT_EQ(waited->status, 201);
}

TEST_F(FileTransferTest, MissingRequestBodyFileIsNotFound) {
  StartServer(1 << 20, 1 << 20);
  ClientOptions options;
  options.request_body_file = (dir_ / "nope.csv").string();
  auto r = Call("POST", Url("/upload"), "", "text/csv", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("nope.csv"), std::string::npos) << r.status().message();
}

TEST_F(FileTransferTest, FileResponseHasTypeAndLengthAndStreamsToASink) {
  StartServer(1 << 20, 1 << 20);
  const std::string content = Pattern((3 << 20) + 5);  // larger than the string body limit
  WriteFile("t.csv", content);

  auto whole = Call("GET", Url("/file/t.csv"));
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->content_type, "text/csv");
  EXPECT_EQ(whole->headers["content-length"], std::to_string(content.size()));
  EXPECT_TRUE(whole->body == content);

  std::string got;
  uint64_t last_done = 0, last_total = 0;
  ClientOptions options;
  options.response_sink = [&](const char* data, size_t n) {
    got.append(data, n);
    return Status::Ok();
  };
  options.download_progress = [&](uint64_t done, uint64_t total) {
    last_done = done;
    last_total = total;
  };
  auto streamed = Call("GET", Url("/file/t.csv"), "", "", options);
  ASSERT_TRUE(streamed.ok()) << streamed.status().ToString();
  EXPECT_TRUE(streamed->body.empty());
  EXPECT_TRUE(got == content);
  EXPECT_EQ(last_done, content.size());
  EXPECT_EQ(last_total, content.size());

  // Errors are not sent to the sink: they come back as the body to read.
  got.clear();
  auto missing = Call("GET", Url("/file/none.csv"), "", "", options);
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 500);
  EXPECT_TRUE(got.empty());
  EXPECT_NE(Json::parse(missing->body)["error"].get<std::string>().find("none.csv"),
            std::string::npos);

  // A sink's error ends the call with it.
  options.response_sink = [](const char*, size_t) { return IoError("disk full"); };
  auto refused = Call("GET", Url("/file/t.csv"), "", "", options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "disk full");

  // The connection stays usable after a file response (keep-alive is not broken).
  auto again = Call("GET", Url("/file/t.csv"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->body.size(), content.size());
}

// What curl does with a big body: ask first, send after "100 Continue".
TEST_F(FileTransferTest, UploadAnswersExpectContinueBeforeTheBody) {
  StartServer(1 << 20, 1 << 20);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string head =
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  char buf[4096];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_EQ(::send(fd, "hello", 5, MSG_NOSIGNAL), 5);
  n = ::recv(fd, buf, sizeof buf, 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)).rfind("HTTP/1.1 201", 0), 0u);
  ::close(fd);
  EXPECT_EQ(seen_content_, "hello");
}

TEST(Server, UploadRouteWithoutUploadDirFailsToStart) {
  Server server(ServerOptions{});
  server.UploadRoute("POST", "/u", [](const Request&) { return JsonResponse(1); });
  EXPECT_EQ(server.Start().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace tandem::http
