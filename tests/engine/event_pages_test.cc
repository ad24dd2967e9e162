// EventPages keeps every event handed to it at a stable address, from batches and arenas,
// also when pages are added from several threads at once.
#include "ledger/engine/event_pages.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace arrs::engine {
namespace {

std::vector<v1::Event> Batch(uint64_t first, int n) {
  std::vector<v1::Event> batch(n);
  for (int i = 0; i < n; ++i) batch[i].set_position(first + i);
  return batch;
}

TEST(EventPagesTest, KeptBatchesKeepTheirEventsWhereTheyAre) {
  EventPages pages;
  std::vector<const v1::Event*> seen;
  for (int b = 0; b < 200; ++b) {
    std::vector<v1::Event> batch = Batch(b * 10 + 1, 10);
    const v1::Event* first_before_move = batch.data();
    const std::vector<v1::Event>& kept = pages.KeepBatch(std::move(batch));
    EXPECT_EQ(kept.data(), first_before_move) << "the batch's buffer is moved, not copied";
    for (const v1::Event& e : kept) seen.push_back(&e);
  }
  ASSERT_EQ(seen.size(), 2000u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i]->position(), i + 1);
  EXPECT_EQ(pages.batches(), 200u);
}

TEST(EventPagesTest, ArenaEventsLiveAsLongAsThePages) {
  EventPages pages;
  std::vector<const v1::Event*> seen;
  for (int a = 0; a < 20; ++a) {
    auto arena = std::make_unique<google::protobuf::Arena>();
    for (int i = 0; i < 50; ++i) {
      v1::Event* e = google::protobuf::Arena::CreateMessage<v1::Event>(arena.get());
      e->set_position(a * 50 + i + 1);
      e->set_stream("pcn/U" + std::to_string(a));  // heap-free: allocated in the arena
      seen.push_back(e);
    }
    pages.KeepArena(std::move(arena));
  }
  EXPECT_EQ(pages.arenas(), 20u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i]->position(), i + 1);
}

TEST(EventPagesTest, PagesMayBeAddedFromManyThreads) {
  EventPages pages;
  constexpr int kThreads = 4, kBatches = 100;
  std::vector<std::vector<const v1::Event*>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        for (const v1::Event& e : pages.KeepBatch(Batch(t * 1000000 + b * 4, 4))) {
          seen[t].push_back(&e);
        }
        pages.KeepArena(std::make_unique<google::protobuf::Arena>());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(pages.batches(), static_cast<size_t>(kThreads * kBatches));
  EXPECT_EQ(pages.arenas(), static_cast<size_t>(kThreads * kBatches));
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(seen[t].size(), static_cast<size_t>(kBatches * 4));
    for (size_t i = 0; i < seen[t].size(); ++i) {
      EXPECT_EQ(seen[t][i]->position(), static_cast<uint64_t>(t * 1000000 + i));
    }
  }
}

}  // namespace
}  // namespace arrs::engine
