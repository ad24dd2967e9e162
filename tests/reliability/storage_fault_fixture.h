// The fixture of the storage-fault tests under a serving arrsd: an in-process server whose
// Ledger runs on a FaultyFileSystem (tests/store/faulty_file_system.h), hire requests named
// by their staff id, and the checks every fault test makes: a fault reaches the caller as
// UNAVAILABLE or INTERNAL naming it, reads keep working, and after a reopen with the
// default file system every acknowledged request is there once.
#ifndef ARRS_TESTS_RELIABILITY_STORAGE_FAULT_FIXTURE_H_
#define ARRS_TESTS_RELIABILITY_STORAGE_FAULT_FIXTURE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "rocksdb/env.h"
#include "tests/reliability/acknowledged_check.h"
#include "tests/services/server_fixture.h"
#include "tests/store/faulty_file_system.h"

namespace arrs::testing_support {

class StorageFaultFixture : public ServerFixture {
 protected:
  StorageFaultFixture()
      : fs_(std::make_shared<FaultyFileSystem>()), env_(rocksdb::NewCompositeEnv(fs_)) {
    ledger_options_.log.env = env_.get();
  }

  static v1::HireStaffRequest Hire(const std::string& pcn, const std::string& id) {
    v1::HireStaffRequest r;
    r.mutable_header()->set_request_id(id);
    r.set_pcn_code(pcn);
    r.set_staff_id(id);  // the staff id names the request, to count events per request
    r.set_role(v1::CARE_COORDINATOR);
    r.set_employment_model(v1::LEAD_PRACTICE);
    *r.mutable_hire_date() = Day(2023, 4, 1);
    r.set_wte_bp(5000);
    r.set_annual_salary_pence(2500000);
    return r;
  }

  grpc::Status Send(const v1::HireStaffRequest& r, v1::CommandResult* out) {
    return commands_->HireStaff(Ctx(kAdmin).get(), r, out);
  }

  // A fault reaches the caller as UNAVAILABLE or INTERNAL with a message naming it.
  static void ExpectFaultStatus(const grpc::Status& s, const std::string& fault) {
    static std::set<std::string> shown;  // print each kind of failure once, for the docs
    if (shown.insert(fault).second) {
      std::printf("[ fault ] %s -> %d %s\n", fault.c_str(), s.error_code(),
                  s.error_message().c_str());
      std::fflush(stdout);  // before any fork duplicates the buffer
    }
    EXPECT_TRUE(s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                s.error_code() == grpc::StatusCode::INTERNAL)
        << s.error_code() << " " << s.error_message();
    EXPECT_NE(s.error_message().find(fault), std::string::npos) << s.error_message();
  }

  // Staff in post at U40001 on 1 May 2023 (a projection served from memory).
  int StaffInPost() {
    v1::WorkforceRequest r;
    r.set_pcn_code("U40001");
    *r.mutable_as_of() = Day(2023, 5, 1);
    v1::Workforce out;
    grpc::Status s = queries_->GetWorkforce(Ctx(kAdmin).get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.staff_size();
  }

  // The Verify RPC (reads the whole log from RocksDB).
  v1::VerifyResponse VerifyRpc() {
    v1::VerifyResponse out;
    grpc::Status s = admin_->Verify(Ctx(kAdmin).get(), v1::VerifyRequest(), &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // Sends `r` until it is acknowledged (the fault has cleared; RocksDB resumes in the
  // background, retrying every 100 ms). Bounded: at most 400 attempts 25 ms apart.
  v1::CommandResult SendUntilAcknowledged(const v1::HireStaffRequest& r) {
    v1::CommandResult out;
    grpc::Status s;
    for (int attempt = 0; attempt < 400; ++attempt) {
      s = Send(r, &out);
      if (s.ok()) return out;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ADD_FAILURE() << "writing never resumed: " << s.error_message();
    return out;
  }

  // Closes server and ledger, reopens the folder with the default file system and checks
  // that every acknowledged request is at its position, every hire once, chain intact.
  void ReopenAndCheck(const std::map<std::string, uint64_t>& acknowledged,
                      uint64_t expected_head) {
    StopServer();
    absl::StatusOr<std::unique_ptr<engine::Ledger>> reopened = engine::Ledger::Open(dir_.string());
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    ExpectExactlyTheAcknowledgedHires((*reopened)->log(), acknowledged, expected_head);
  }

  std::shared_ptr<FaultyFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
};

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_RELIABILITY_STORAGE_FAULT_FIXTURE_H_
