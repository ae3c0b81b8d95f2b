// Shared helpers for the event store tests: a store in a fresh temp directory and events.
#ifndef CTG_TESTS_EVENTSTORE_STORE_FIXTURE_H_
#define CTG_TESTS_EVENTSTORE_STORE_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "eventstore/event_store.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::eventstore {

inline EventData MakeEvent(std::string type, std::string payload,
                           std::vector<std::string> tags = {}, std::string metadata = "m") {
  EventData event;
  event.id = NewEventId();
  event.type = std::move(type);
  event.payload = std::move(payload);
  event.metadata = std::move(metadata);
  event.tags = std::move(tags);
  return event;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  // (Re)opens the store in dir_ with options_.
  void Reopen() {
    store_.reset();
    auto store = EventStore::Open(dir_.Sub("store"), options_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // Appends `count` single-event appends to `stream`, returning the results.
  std::vector<AppendResult> AppendMany(const std::string& stream, int count,
                                       std::vector<std::string> tags = {}) {
    std::vector<AppendResult> results;
    for (int i = 0; i < count; ++i) {
      auto result = store_->Append(stream, ExpectedRevision::Any(),
                                   {MakeEvent("test.Event", "payload-" + std::to_string(i), tags)});
      EXPECT_TRUE(result.ok()) << result.status();
      if (result.ok()) results.push_back(*result);
    }
    return results;
  }

  ctg::testing::TempDir dir_;
  Options options_;
  std::unique_ptr<EventStore> store_;
};

}  // namespace ctg::eventstore

#endif  // CTG_TESTS_EVENTSTORE_STORE_FIXTURE_H_
