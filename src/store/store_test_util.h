#pragma once
// Test fixture: a fresh data dir and a store on a FakeClock, removed afterwards.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "core/clock.h"
#include "core/fs.h"
#include "store/store.h"

namespace tandem::store {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir(std::filesystem::temp_directory_path(), "tandem-store-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = *dir;
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // Closes the store (if open) and opens the same database again.
  void Reopen() {
    store_.reset();
    auto s = OpenSqliteStore(db_path(), clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  std::string db_path() const { return (dir_ / "tandem.db").string(); }

  FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace tandem::store
