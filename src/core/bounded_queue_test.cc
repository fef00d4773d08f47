#include "core/bounded_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace pantau {
namespace {

using std::chrono::milliseconds;

TEST(BoundedQueueTest, TryPushRespectsCapacity) {
  BoundedQueue<int> q(2);
  int a = 1, b = 2, c = 3;
  EXPECT_TRUE(q.TryPush(a));
  EXPECT_TRUE(q.TryPush(b));
  EXPECT_FALSE(q.TryPush(c));
  EXPECT_EQ(c, 3);  // not taken
  std::vector<int> out;
  ASSERT_TRUE(q.PopBatch(out, 10, milliseconds(1)));
  EXPECT_EQ(out, (std::vector<int>{1, 2}));
}

TEST(BoundedQueueTest, CostCountsUnitsAndOversizeEntersWhenEmpty) {
  BoundedQueue<int> q(10);
  int a = 1, b = 2, c = 3;
  EXPECT_TRUE(q.TryPush(a, 8));
  EXPECT_FALSE(q.TryPush(b, 3));
  EXPECT_TRUE(q.TryPush(b, 2));
  EXPECT_EQ(q.size(), 10u);
  std::vector<int> out;
  ASSERT_TRUE(q.PopBatch(out, 10, milliseconds(1)));
  EXPECT_EQ(q.size(), 0u);
  EXPECT_TRUE(q.TryPush(c, 50));  // larger than the capacity, but the queue is empty
}

TEST(BoundedQueueTest, PushWaitsForRoomAndCloseDrains) {
  BoundedQueue<int> q(1);
  ASSERT_TRUE(q.Push(1));
  std::thread producer([&] { EXPECT_TRUE(q.Push(2)); });
  std::vector<int> out;
  while (out.size() < 2) ASSERT_TRUE(q.PopBatch(out, 1, milliseconds(100)));
  producer.join();
  EXPECT_EQ(out, (std::vector<int>{1, 2}));
  int three = 3;
  ASSERT_TRUE(q.TryPush(three));
  q.Close();
  EXPECT_FALSE(q.Push(4));
  out.clear();
  EXPECT_TRUE(q.PopBatch(out, 10, milliseconds(1)));  // what was accepted is still delivered
  EXPECT_EQ(out, std::vector<int>{3});
  EXPECT_FALSE(q.PopBatch(out, 10, milliseconds(1)));
}

}  // namespace
}  // namespace pantau
