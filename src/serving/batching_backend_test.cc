#include "serving/batching_backend.h"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

namespace tandem::serving {
namespace {

// Doubles every value of its one input ("y" = 2x, same shape) and records the row
// counts it was called with; a negative value fails the whole call, as a model
// refusing one bad row of a batch would.
class DoublingBackend : public Backend {
 public:
  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      calls.push_back(inputs[0].shape[0]);
    }
    Tensor y{"y", DataType::kFp64, inputs[0].shape, {}, {}};
    for (double v : inputs[0].numbers) {
      if (v < 0) return InvalidArgument("negative value " + std::to_string(v));
      y.numbers.push_back(2 * v);
    }
    return std::vector<Tensor>{std::move(y)};
  }
  Json Metadata() const override { return {{"platform", "test"}}; }

  std::mutex mu;
  std::vector<int64_t> calls;
};

Tensor Rows(std::vector<double> values, int64_t cols = 1) {
  return {"x", DataType::kFp64, {static_cast<int64_t>(values.size()) / cols, cols}, values, {}};
}

struct Fixture {
  explicit Fixture(BatchingOptions o) {
    auto b = std::make_unique<DoublingBackend>();
    inner = b.get();
    batcher = std::make_unique<BatchingBackend>(std::move(b), o);
  }
  // Runs every request on its own thread at once and returns the answers in order.
  std::vector<Result<std::vector<Tensor>>> RunConcurrently(const std::vector<Tensor>& requests) {
    std::vector<std::optional<Result<std::vector<Tensor>>>> answers(requests.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < requests.size(); ++i) {
      threads.emplace_back([&, i] { answers[i] = batcher->Infer({requests[i]}); });
    }
    for (auto& t : threads) t.join();
    std::vector<Result<std::vector<Tensor>>> out;
    for (auto& a : answers) out.push_back(std::move(*a));
    return out;
  }
  DoublingBackend* inner;
  std::unique_ptr<BatchingBackend> batcher;
};

TEST(BatchingBackendTest, MergesConcurrentRequestsIntoOneCallAndSplitsTheAnswers) {
  // A long delay: the batch closes because it is full, not because time ran out.
  Fixture f({/*max_batch_rows=*/8, std::chrono::seconds(10), /*executors=*/1});
  std::vector<Tensor> requests;
  for (int i = 0; i < 4; ++i) requests.push_back(Rows({1.0 * i, 10.0 + i}));  // 2 rows each
  auto answers = f.RunConcurrently(requests);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(answers[i].ok()) << answers[i].status().ToString();
    const Tensor& y = (*answers[i])[0];
    EXPECT_EQ(y.name, "y");
    EXPECT_EQ(y.shape, (std::vector<int64_t>{2, 1}));
    EXPECT_EQ(y.numbers, (std::vector<double>{2.0 * i, 20.0 + 2 * i}));
  }
  EXPECT_EQ(f.inner->calls, (std::vector<int64_t>{8}));
  EXPECT_EQ(f.batcher->backend_calls(), 1);
}

TEST(BatchingBackendTest, TheDelayClosesAPartialBatch) {
  Fixture f({32, std::chrono::milliseconds(20), 1});
  auto answers = f.RunConcurrently({Rows({1}), Rows({2}), Rows({3})});
  for (auto& a : answers) ASSERT_TRUE(a.ok());
  int64_t rows = 0;
  for (int64_t c : f.inner->calls) rows += c;
  EXPECT_EQ(rows, 3);
  EXPECT_EQ((*answers[2])[0].numbers, (std::vector<double>{6}));
}

TEST(BatchingBackendTest, ABadRequestFailsAloneAndTheOthersAreAnswered) {
  Fixture f({4, std::chrono::seconds(10), 1});
  auto answers = f.RunConcurrently({Rows({1}), Rows({-5}), Rows({3}), Rows({4})});
  EXPECT_TRUE(answers[0].ok());
  ASSERT_FALSE(answers[1].ok());
  EXPECT_EQ(answers[1].status().message(), "negative value -5.000000");
  EXPECT_EQ((*answers[2])[0].numbers, (std::vector<double>{6}));
  EXPECT_EQ((*answers[3])[0].numbers, (std::vector<double>{8}));
  // One merged call that failed, then each request on its own.
  EXPECT_EQ(f.inner->calls, (std::vector<int64_t>{4, 1, 1, 1, 1}));
}

TEST(BatchingBackendTest, RequestsThatCannotStackRunSeparately) {
  Fixture f({64, std::chrono::milliseconds(30), 1});
  // Different widths ([1,2] and [1,3]) never share a call; a request larger than the
  // batch runs alone.
  std::vector<double> big(100, 1.0);
  auto answers = f.RunConcurrently({Rows({1, 2}, 2), Rows({1, 2, 3}, 3), Rows(big)});
  for (auto& a : answers) ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*answers[0])[0].shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ((*answers[1])[0].numbers, (std::vector<double>{2, 4, 6}));
  EXPECT_EQ((*answers[2])[0].shape, (std::vector<int64_t>{100, 1}));
  EXPECT_EQ(f.inner->calls.size(), 3u);
}

TEST(BatchingBackendTest, ManyClientsAllGetTheirOwnRows) {
  Fixture f({16, std::chrono::microseconds(200), 2});
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 32; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < 50; ++i) {
        double v = c * 1000 + i;
        auto r = f.batcher->Infer({Rows({v})});
        if (!r.ok() || (*r)[0].numbers != std::vector<double>{2 * v}) ++wrong;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(wrong.load(), 0);
  // 1600 requests in fewer calls: they were merged.
  EXPECT_LT(f.batcher->backend_calls(), 1600);
  EXPECT_EQ(f.batcher->Metadata()["parameters"]["batching"],
            Json::parse(R"({"max_batch_rows":16,"max_delay_us":200})"));
}

}  // namespace
}  // namespace tandem::serving
