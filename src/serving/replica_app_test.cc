#include "serving/replica_app.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/fs.h"
#include "serving/test_util.h"
#include "serving/v2_codec.h"
#include "serving/xgboost_backend.h"

namespace tandem::serving {
namespace {

// Rows [first, first+n) of breast cancer as a nested-array infer request.
std::string InferBody(const ml::DenseMatrix& x, size_t first, size_t n) {
  Json rows = Json::array();
  for (size_t r = first; r < first + n; ++r) rows.push_back(testing::Row(x, r));
  return Json({{"id", "r1"},
               {"inputs", {{{"name", "input"}, {"datatype", "FP32"},
                            {"shape", {n, x.cols}}, {"data", rows}}}}})
      .dump();
}

class ReplicaAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    trained_ = std::make_unique<testing::TrainedModel>(testing::TrainBreastCancer());
    auto direct = trained_->model.Predict(trained_->data.x);
    ASSERT_TRUE(direct.ok());
    expected_ = direct->values;
    auto backend = XgboostBackend::Create(std::move(trained_->model), trained_->meta);
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    app_ = std::make_unique<ReplicaApp>("cancer", 1, std::move(backend).value());
    http::ServerOptions so;
    so.max_body_bytes = ReplicaOptions().max_body_bytes;  // what a real replica takes
    server_ = std::make_unique<http::Server>(so);
    app_->Register(*server_);
    ASSERT_TRUE(server_->Start().ok());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  http::Response Get(const std::string& path) {
    auto r = http::Call("GET", base_ + path);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : http::Response{};
  }
  http::Response Post(const std::string& path, const std::string& body) {
    auto r = http::Call("POST", base_ + path, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : http::Response{};
  }
  // The {"error"} of a failed call, checking its status and that the replica lives on.
  std::string ErrorOf(const http::Response& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(Get("/v2/health/ready").status, 200);
    auto j = ParseJson(r.body);
    return j.ok() && j->contains("error") ? (*j)["error"].get<std::string>() : r.body;
  }

  std::unique_ptr<testing::TrainedModel> trained_;
  std::vector<float> expected_;
  std::unique_ptr<ReplicaApp> app_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
};

TEST_F(ReplicaAppTest, HealthAndMetadata) {
  EXPECT_EQ(Json::parse(Get("/v2/health/live").body), Json::parse(R"({"live":true})"));
  EXPECT_EQ(Json::parse(Get("/v2/health/ready").body), Json::parse(R"({"ready":true})"));
  EXPECT_EQ(Json::parse(Get("/v2").body),
            Json::parse(R"({"name":"tandem","version":"0.1.0","extensions":[]})"));
  for (std::string path : {"/v2/models/cancer", "/v2/models/cancer/versions/1"}) {
    auto r = Get(path);
    ASSERT_EQ(r.status, 200) << r.body;
    Json md = Json::parse(r.body);
    EXPECT_EQ(md["name"], "cancer");
    EXPECT_EQ(md["versions"], Json::parse(R"(["1"])"));
    EXPECT_EQ(md["platform"], "xgboost");
    EXPECT_EQ(md["inputs"], Json::parse(R"([{"name":"input","datatype":"FP32","shape":[-1,30]}])"));
    EXPECT_EQ(md["outputs"][0]["name"], "probabilities");
    EXPECT_EQ(md["outputs"][1]["name"], "label");
    EXPECT_EQ(md["parameters"]["classes"], Json::parse(R"(["malignant","benign"])"));
    EXPECT_EQ(md["parameters"]["features"].size(), 30u);
    EXPECT_EQ(Get(path + "/ready").status, 200);
  }
  EXPECT_EQ(ErrorOf(Get("/v2/models/other"), 404), "unknown model 'other'");
  EXPECT_EQ(ErrorOf(Get("/v2/models/other/ready"), 404), "unknown model 'other'");
  EXPECT_EQ(ErrorOf(Get("/v2/models/cancer/versions/2"), 404),
            "model 'cancer' has no version '2' (this replica serves version 1)");
}

TEST_F(ReplicaAppTest, InfersRealRowsLikeTheModel) {
  for (std::string path : {"/v2/models/cancer/infer", "/v2/models/cancer/versions/1/infer"}) {
    auto r = Post(path, InferBody(trained_->data.x, 200, 20));
    ASSERT_EQ(r.status, 200) << r.body;
    Json body = Json::parse(r.body);
    EXPECT_EQ(body["model_name"], "cancer");
    EXPECT_EQ(body["model_version"], "1");
    EXPECT_EQ(body["id"], "r1");
    auto probs = TensorFromJson(body["outputs"][0], "outputs[0]");
    auto label = TensorFromJson(body["outputs"][1], "outputs[1]");
    ASSERT_TRUE(probs.ok() && label.ok());
    EXPECT_EQ(probs->shape, (std::vector<int64_t>{20, 2}));
    for (size_t r = 0; r < 20; ++r) {
      EXPECT_EQ(static_cast<float>(probs->numbers[2 * r + 1]), expected_[200 + r]);
      EXPECT_EQ(label->numbers[r], expected_[200 + r] > 0.5f ? 1 : 0);
    }
  }
  // Only the outputs asked for.
  Json req = Json::parse(InferBody(trained_->data.x, 0, 2));
  req["outputs"] = {{{"name", "label"}}};
  auto r = Post("/v2/models/cancer/infer", req.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  Json body = Json::parse(r.body);
  ASSERT_EQ(body["outputs"].size(), 1u);
  EXPECT_EQ(body["outputs"][0]["name"], "label");
  req["outputs"] = {{{"name", "logits"}}};
  EXPECT_EQ(ErrorOf(Post("/v2/models/cancer/infer", req.dump()), 400),
            "outputs[0].name: unknown output 'logits' (available: probabilities, label)");
}

TEST_F(ReplicaAppTest, BadRequestsAre400And404AndTheReplicaStaysUp) {
  const std::string infer = "/v2/models/cancer/infer";
  EXPECT_EQ(ErrorOf(Post(infer, "{\"inputs\": [1,"), 400),
            "request body is not valid JSON (byte 15)");
  Json wrong_shape = {{"inputs", {{{"name", "input"}, {"datatype", "FP32"}, {"shape", {2, 29}},
                                   {"data", std::vector<double>(58, 1.0)}}}}};
  EXPECT_EQ(ErrorOf(Post(infer, wrong_shape.dump()), 400),
            "input 'input': expected shape [N,30], got [2,29]");
  Json wrong_type = {{"inputs", {{{"name", "input"}, {"datatype", "BYTES"}, {"shape", {1, 30}},
                                  {"data", std::vector<std::string>(30, "x")}}}}};
  EXPECT_EQ(ErrorOf(Post(infer, wrong_type.dump()), 400),
            "input 'input': datatype BYTES is not supported (expected FP32, FP64, INT32 or INT64)");
  Json mismatch = {{"inputs", {{{"name", "input"}, {"datatype", "FP32"}, {"shape", {2, 30}},
                                {"data", std::vector<double>(59, 1.0)}}}}};
  EXPECT_EQ(ErrorOf(Post(infer, mismatch.dump()), 400),
            "inputs[0].data: length 59 does not match shape [2,30] (60 elements)");
  EXPECT_EQ(ErrorOf(Post("/v2/models/nope/infer", InferBody(trained_->data.x, 0, 1)), 404),
            "unknown model 'nope'");
  EXPECT_EQ(ErrorOf(Post("/v2/models/cancer/versions/7/infer", InferBody(trained_->data.x, 0, 1)),
                    404),
            "model 'cancer' has no version '7' (this replica serves version 1)");
  Json not_an_object = Json::array({1, 2});
  EXPECT_EQ(ErrorOf(Post(infer, not_an_object.dump()), 400),
            "request body: expected a JSON object, got array");
  Json bad_datatype = {{"inputs", {{{"name", "input"}, {"datatype", "FP16"}, {"shape", {1, 30}},
                                    {"data", std::vector<double>(30, 1.0)}}}}};
  EXPECT_EQ(ErrorOf(Post(infer, bad_datatype.dump()), 400),
            "inputs[0].datatype: unknown datatype 'FP16' (expected FP32, FP64, INT32, INT64, BOOL "
            "or BYTES)");
  Json text_in_numbers = {{"inputs", {{{"name", "input"}, {"datatype", "FP32"}, {"shape", {1, 2}},
                                       {"data", {1.0, "two"}}}}}};
  EXPECT_EQ(ErrorOf(Post(infer, text_in_numbers.dump()), 400),
            "inputs[0].data[1]: expected a number for FP32, got string");
  Json two_inputs = Json::parse(InferBody(trained_->data.x, 0, 1));
  two_inputs["inputs"].push_back(two_inputs["inputs"][0]);
  two_inputs["inputs"][1]["name"] = "extra";
  EXPECT_EQ(ErrorOf(Post(infer, two_inputs.dump()), 400), "expected exactly 1 input tensor, got 2");
  // A body of 100 MB: refused by the HTTP server before it is read, with a 413.
  std::string huge = "{\"inputs\": [" + std::string(100 << 20, ' ') + "]}";
  auto big = http::Call("POST", base_ + infer, huge);
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(Json::parse(big->body)["error"],
            "request body of " + std::to_string(huge.size()) + " bytes exceeds the limit of " +
                std::to_string(ReplicaOptions().max_body_bytes) + " bytes");
  EXPECT_EQ(Get("/v2/health/ready").status, 200);
  EXPECT_EQ(Post(infer, InferBody(trained_->data.x, 0, 1)).status, 200);
}

// Echoes its one BYTES input; CheckInputs flags every "?" as a guess.
class GuessingBackend : public Backend {
 public:
  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override {
    Tensor out = inputs[0];
    out.name = "echo";
    return std::vector<Tensor>{out};
  }
  std::vector<InputWarning> CheckInputs(const std::vector<Tensor>& inputs) const override {
    std::vector<InputWarning> found;
    for (size_t r = 0; r < inputs[0].strings.size(); ++r) {
      if (inputs[0].strings[r] == "?") found.push_back({inputs[0].name, static_cast<int64_t>(r), "a guess"});
    }
    return found;
  }
  Json Metadata() const override {
    return {{"platform", "guess"},
            {"inputs", {{{"name", "city"}, {"datatype", "BYTES"}, {"shape", {-1}}}}},
            {"outputs", {{{"name", "echo"}, {"datatype", "BYTES"}, {"shape", {-1}}}}}};
  }
};

class ReplicaWarningsTest : public ::testing::TestWithParam<bool> {};

TEST_P(ReplicaWarningsTest, GuessesAreWarnedAndCountedOrRefusedWhenStrict) {
  const bool strict = GetParam();
  ReplicaApp app("svc", 1, std::make_unique<GuessingBackend>(), strict);
  http::Server server(http::ServerOptions{});
  app.Register(server);
  ASSERT_TRUE(server.Start().ok());
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port()) + "/v2/models/svc";
  const std::string body =
      R"({"inputs": [{"name": "city", "datatype": "BYTES", "shape": [3], "data": ["a", "?", "?"]}]})";
  auto r = http::Call("POST", base + "/infer", body);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Json answer = Json::parse(r->body);
  auto stats = http::Call("GET", base + "/stats");
  ASSERT_TRUE(stats.ok());
  Json counted = Json::parse(stats->body);
  if (strict) {
    EXPECT_EQ(r->status, 400) << r->body;
    EXPECT_EQ(answer["error"],
              "input 'city' row 1: a guess (and 1 more); this service checks inputs strictly and "
              "takes no guesses");
    EXPECT_EQ(counted["refused_inputs"], 1);
    EXPECT_EQ(counted["input_warnings"], 0);
  } else {
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(answer["outputs"][0]["data"], Json::parse(R"(["a", "?", "?"])"));
    EXPECT_EQ(answer["warnings"],
              Json::parse(R"(["input 'city' row 1: a guess", "input 'city' row 2: a guess"])"));
    EXPECT_EQ(counted["input_warnings"], 2);
    EXPECT_EQ(counted["inference_count"], 1);
  }
  // A request without guesses is answered either way, with no warnings field.
  auto clean = http::Call("POST", base + "/infer",
                          R"({"inputs": [{"name": "city", "datatype": "BYTES", "shape": [1], "data": ["a"]}]})");
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(clean->status, 200);
  EXPECT_FALSE(Json::parse(clean->body).contains("warnings"));
  server.Stop();
}

INSTANTIATE_TEST_SUITE_P(LenientAndStrict, ReplicaWarningsTest, ::testing::Bool());

TEST(ReplicaArgsTest, RoundTripsAndNamesBadFlags) {
  ReplicaOptions o;
  o.name = "svc";
  o.version = 3;
  o.model_path = "/m/model.json";
  o.meta_path = "/m/meta.json";
  o.host = "0.0.0.0";
  o.port = 0;
  o.port_file = "/m/port";
  std::vector<std::string> args = ReplicaArgs(o);
  EXPECT_EQ(args, (std::vector<std::string>{"--name", "svc", "--version", "3", "--model-file",
                                            "/m/model.json", "--meta-file", "/m/meta.json",
                                            "--host", "0.0.0.0", "--port", "0", "--port-file",
                                            "/m/port"}));
  auto back = ParseReplicaArgs(args);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->name, "svc");
  EXPECT_EQ(back->version, 3);
  EXPECT_EQ(back->model_path, "/m/model.json");
  EXPECT_EQ(back->port_file, "/m/port");
  EXPECT_EQ(ParseReplicaArgs({"--name=a", "--version=x"}).status().message(),
            "--version: expected an integer, got 'x'");
  EXPECT_EQ(ParseReplicaArgs({"--bogus", "1"}).status().message(), "unknown flag '--bogus'");
  EXPECT_EQ(ParseReplicaArgs({"--name", "a"}).status().message(), "--version is required");

  // Serving settings appear only when they differ from the defaults.
  o.threads = 4;
  o.batch_max = 32;
  o.batch_delay_us = 2000;
  args = ReplicaArgs(o);
  EXPECT_EQ(std::vector<std::string>(args.end() - 6, args.end()),
            (std::vector<std::string>{"--threads", "4", "--batch-max", "32", "--batch-delay-us",
                                      "2000"}));
  back = ParseReplicaArgs(args);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->threads, 4);
  EXPECT_EQ(back->batch_max, 32);
  EXPECT_EQ(back->batch_delay_us, 2000);
  EXPECT_EQ(HttpThreads(*back), 4 + 32);
  EXPECT_FALSE(back->strict_inputs);
  o.strict_inputs = true;
  back = ParseReplicaArgs(ReplicaArgs(o));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->strict_inputs);
  EXPECT_EQ(ParseReplicaArgs({"--name=a", "--version=1", "--model-file=m", "--meta-file=j",
                              "--batch-max=0"})
                .status()
                .message(),
            "--batch-max: must be at least 1");
}

TEST(RunReplicaTest, ServesUntilSigtermAndFailsFastOnABadModel) {
  auto dir = MakeTempDir(std::filesystem::temp_directory_path(), "tandem-replica-test-");
  ASSERT_TRUE(dir.ok());
  auto t = testing::TrainBreastCancer();
  ReplicaOptions o;
  o.name = "cancer";
  o.version = 2;
  o.model_path = (*dir / "model.json").string();
  o.meta_path = (*dir / "meta.json").string();
  o.port_file = (*dir / "port").string();
  ASSERT_TRUE(t.model.Save(o.model_path).ok());
  ASSERT_TRUE(WriteFileAtomic(o.meta_path, t.meta.dump()).ok());

  Status result = Internal("not run");
  std::thread replica([&] { result = RunReplica(o); });
  std::string port;
  for (int i = 0; i < 500 && port.empty(); ++i) {
    auto text = ReadFile(o.port_file);
    if (text.ok()) {
      port = *text;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ASSERT_FALSE(port.empty());
  while (!port.empty() && port.back() == '\n') port.pop_back();
  auto ready = http::Call("GET", "http://127.0.0.1:" + port + "/v2/models/cancer/versions/2/ready");
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  EXPECT_EQ(ready->status, 200);
  // SIGTERM blocked in that thread stays pending for its sigwait.
  pthread_kill(replica.native_handle(), SIGTERM);
  replica.join();
  EXPECT_TRUE(result.ok()) << result.ToString();

  ASSERT_TRUE(WriteFileAtomic(o.model_path, "garbage").ok());
  Status bad = RunReplica(o);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("cannot load the XGBoost model"), std::string::npos) << bad.message();
  std::filesystem::remove_all(*dir);
}

}  // namespace
}  // namespace tandem::serving
