// The write stall watchdog end to end: an in-process arrsd whose Ledger runs on a file
// system that holds every WAL sync (tests/store/faulty_file_system.h) calls on_write_stall
// once an append has waited write_stall_limit, and the append completes once the sync is
// let through (arrsd's callback would exit instead; see services/arrsd_main.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "rocksdb/env.h"
#include "tests/services/server_fixture.h"
#include "tests/services/stall_recorder.h"
#include "tests/store/faulty_file_system.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;

class WriteStallTest : public ServerFixture {
 protected:
  WriteStallTest()
      : fs_(std::make_shared<FaultyFileSystem>()), env_(rocksdb::NewCompositeEnv(fs_)) {
    ledger_options_.log.env = env_.get();
    server_options_.write_stall_limit = absl::Seconds(1);
    server_options_.on_write_stall = stalls_.Callback();
  }

  std::shared_ptr<FaultyFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  StallRecorder stalls_;
};

TEST_F(WriteStallTest, AnAppendHeldInItsSyncTriggersTheWatchdogOnce) {
  EXPECT_EQ(stalls_.calls(), 0) << "an idle server is not stalled";
  fs_->HoldSyncs();
  grpc::Status status;
  v1::CommandResult out;
  std::thread append([&] {
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kAdmin));
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    status = commands_->RegisterPcn(&context, RegisterRequest("U40001", "QAA"), &out);
  });

  const bool fired = stalls_.WaitFor(absl::Seconds(30));
  fs_->ReleaseSyncs();  // whatever happened: let the append and the shutdown finish
  append.join();
  ASSERT_TRUE(fired) << "no write stall reported within 30 s; held syncs: "
                     << fs_->held_syncs();
  EXPECT_THAT(stalls_.message(), HasSubstr("write stall: no append has completed for "));
  EXPECT_THAT(stalls_.message(), HasSubstr("while 1 append waits"));
  EXPECT_THAT(stalls_.message(), HasSubstr("exiting so that the supervisor restarts the server"));
  EXPECT_TRUE(status.ok()) << "the held append completes once the sync passes: "
                           << status.error_message();
  EXPECT_EQ(stalls_.calls(), 1);
}

}  // namespace
}  // namespace arrs::testing_support
