// Tamper and restore drill, with the real arrsd and arrsctl: write to the ledger, take a
// backup (`arrsctl backup`) and copy it elsewhere, write more, stop the server, change one byte of one event in
// the data folder's files, and `arrsctl verify --data` must report the folder BROKEN and
// name a position no later than the tampered event. Then `arrsctl restore` the backup into
// a new folder: it verifies, its head is the backup's head (position and hash), and the
// tampered event is intact there.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "arrs/v1/service.grpc.pb.h"
#include "ledger/store/event_hash.h"
#include "tests/cli/process_harness.h"
#include "tests/services/arrsd_process.h"
#include "tests/testing/requests.h"

namespace arrs::cli_test {
namespace {

constexpr char kAdminToken[] = "demo-admin-token";  // config/demo-tokens.txt

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", kAdminToken));
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return context;
}

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Changes one byte of the first occurrence of `marker` in any file under `dir`; returns the
// file changed ("" when the marker is nowhere).
std::string FlipByteOf(const std::string& dir, const std::string& marker) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string bytes = Slurp(entry.path());
    const size_t at = bytes.find(marker);
    if (at == std::string::npos) continue;
    std::fstream file(entry.path(), std::ios::binary | std::ios::in | std::ios::out);
    const size_t offset = at + marker.size() - 1;  // the last digit of the staff id
    file.seekp(static_cast<std::streamoff>(offset));
    file.put(static_cast<char>(bytes[offset] ^ 0x01));
    return entry.path().filename().string();
  }
  return "";
}

// The drill's PCN, U10001, registered from 2020-04-01.
v1::RegisterPcnRequest DrillPcn(const std::string& request_id) {
  v1::RegisterPcnRequest r;
  r.mutable_header()->set_request_id(request_id);
  r.set_pcn_code("U10001");
  r.set_name("Drill PCN");
  r.set_icb_code("QWE");
  r.mutable_effective_date()->set_year(2020);
  r.mutable_effective_date()->set_month(4);
  r.mutable_effective_date()->set_day(1);
  return r;
}

// A care coordinator (0.1 WTE) hired into the drill's PCN on 2021-04-01.
v1::HireStaffRequest DrillHire(const std::string& request_id, const std::string& staff_id) {
  v1::HireStaffRequest r = testing_support::CareCoordinatorHire("U10001", staff_id, request_id);
  r.set_wte_bp(1000);
  return r;
}

// "first bad position N" from arrsctl verify's report; 0 when absent.
uint64_t FirstBadPosition(const std::string& out) {
  std::smatch m;
  if (std::regex_search(out, m, std::regex("first bad position ([0-9]+)"))) {
    return std::stoull(m[1]);
  }
  return 0;
}

TEST(TamperRestoreDrillTest, VerifyNamesTheTamperedPositionAndTheBackupRestores) {
  const std::string dir = MakeTempDir();
  Server server;
  ASSERT_TRUE(server.Start(dir));
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto commands = v1::CommandService::NewStub(channel);
  v1::CommandResult out;
  ASSERT_TRUE(commands->RegisterPcn(Ctx().get(), DrillPcn("drill-register"), &out).ok());
  int requests = 0;
  auto hire = [&](const std::string& staff_id) {
    const v1::HireStaffRequest r = DrillHire(absl::StrCat("drill-request-", ++requests), staff_id);
    grpc::Status s = commands->HireStaff(Ctx().get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.first_position();
  };
  uint64_t tampered_position = 0;
  // The event to tamper with carries a staff id no other event shares a piece of, so that
  // its bytes are stored verbatim even in a compressed SST block.
  constexpr char kMarker[] = "QWPZMXKV";
  for (int i = 0; i < 40; ++i) {
    if (i == 25) {
      tampered_position = hire(absl::StrCat("drill-", kMarker));
    } else {
      hire(absl::StrFormat("drill-staff-%04d", i));
    }
  }

  // The backup (a RocksDB checkpoint on the server's disk), then writes it does not hold.
  const std::string backup = dir + "/backup";
  RunResult r = RunArrsctl({"backup", "--to", backup}, server.address(), kAdminToken);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // The operator copies the backup off the server's disk: a checkpoint on the same file
  // system shares its SST files with the data folder (hard links), so damage to the
  // media hits both (see docs/RELIABILITY.md).
  const std::string offsite = dir + "/offsite";
  std::filesystem::copy(backup, offsite, std::filesystem::copy_options::recursive);
  auto admin = v1::AdminService::NewStub(channel);
  v1::StatsResponse at_backup;
  ASSERT_TRUE(admin->Stats(Ctx().get(), v1::StatsRequest(), &at_backup).ok());
  for (int i = 40; i < 45; ++i) hire(absl::StrFormat("drill-staff-%04d", i));
  server.Stop();

  const std::string data = dir + "/data";
  r = RunArrsctl({"verify", "--data", data}, "", "");
  ASSERT_EQ(r.code, 0) << "the untouched folder should verify: " << r.out << r.err;

  // Tamper: one byte of event `tampered_position` (its staff id) in whichever file holds it.
  const std::string changed = FlipByteOf(data, kMarker);
  ASSERT_FALSE(changed.empty()) << "the staff id was not found verbatim in any data file";
  r = RunArrsctl({"verify", "--data", data}, "", "");
  EXPECT_NE(r.code, 0) << "verify accepted a tampered folder (changed " << changed << "): "
                       << r.out << r.err;
  EXPECT_NE(r.out.find("BROKEN"), std::string::npos) << r.out << r.err;
  const uint64_t named = FirstBadPosition(r.out);
  // A changed byte inside an SST block fails that block's checksum, so verify names the
  // first event it can no longer trust: the tampered event or an earlier one of its block.
  EXPECT_GE(named, 1u) << r.out;
  EXPECT_LE(named, tampered_position) << r.out;
  std::printf("[ drill ] tampered position %llu in %s; verify: %s",
              static_cast<unsigned long long>(tampered_position), changed.c_str(), r.out.c_str());
  std::fflush(stdout);  // before the next fork

  // Restore the last backup into a new folder; it verifies and holds the backup's head.
  const std::string restored = dir + "/restored";
  r = RunArrsctl({"restore", "--from", offsite, "--data", restored}, "", "");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  r = RunArrsctl({"verify", "--data", restored}, "", "");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(absl::StrCat("head position ", at_backup.head_position(), "\n")),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(store::HexHash(at_backup.head_hash())), std::string::npos) << r.out;

  // The tampered event is intact in the restored folder, seen through a server on it.
  Server on_restored;
  std::filesystem::create_directories(dir + "/second");
  std::filesystem::rename(restored, dir + "/second/data");
  ASSERT_TRUE(on_restored.Start(dir + "/second"));
  auto restored_channel =
      grpc::CreateChannel(on_restored.address(), grpc::InsecureChannelCredentials());
  v1::AuditRequest audit;
  audit.set_pcn_code("U10001");
  v1::AuditTrail trail;
  grpc::Status s =
      v1::QueryService::NewStub(restored_channel)->GetAuditTrail(Ctx().get(), audit, &trail);
  ASSERT_TRUE(s.ok()) << s.error_message();
  bool found = false;
  for (const auto& entry : trail.entries()) {
    if (entry.event().position() == tampered_position) {
      found = true;
      EXPECT_EQ(entry.event().payload().staff_hired().staff_id(), absl::StrCat("drill-", kMarker));
    }
  }
  EXPECT_TRUE(found) << "position " << tampered_position << " not in the restored audit trail";
  on_restored.Stop();
  std::filesystem::remove_all(dir);
}

// The same byte change while the event is still only in the write-ahead log (arrsd was
// killed before any flush): reopening must not quietly drop the damaged record and
// everything after it. Verify has to fail, or report every acknowledged event.
// `tampered_index`: which of 20 hires (0..19) is damaged.
void WalTamperDrill(int tampered_index) {
  const std::string dir = MakeTempDir();
  const std::string data = dir + "/data";
  testing_support::ArrsdProcess server;  // stopped with SIGKILL
  ASSERT_TRUE(server.Start(data, ARRS_SOURCE_DIR "/config/demo-tokens.txt"));
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto commands = v1::CommandService::NewStub(channel);
  v1::CommandResult out;
  ASSERT_TRUE(commands->RegisterPcn(Ctx().get(), DrillPcn("wal-register"), &out).ok());
  constexpr char kMarker[] = "JQXWKZVB";
  uint64_t tampered_position = 0;
  uint64_t head = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string staff_id =
        i == tampered_index ? absl::StrCat("wal-", kMarker) : absl::StrCat("wal-staff-", i);
    const v1::HireStaffRequest r = DrillHire(absl::StrCat("wal-request-", i), staff_id);
    ASSERT_TRUE(commands->HireStaff(Ctx().get(), r, &out).ok());
    if (i == tampered_index) tampered_position = out.first_position();
    head = out.last_position();
  }
  ASSERT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);

  const std::string changed = FlipByteOf(data, kMarker);
  ASSERT_NE(changed.find(".log"), std::string::npos) << "expected the event in the WAL: " << changed;
  RunResult r = RunArrsctl({"verify", "--data", data}, "", "");
  std::printf("[ drill ] WAL: tampered position %llu of %llu in %s; verify exit %d: %s%s",
              static_cast<unsigned long long>(tampered_position),
              static_cast<unsigned long long>(head), changed.c_str(), r.code, r.out.c_str(),
              r.err.c_str());
  std::fflush(stdout);
  if (r.code == 0) {
    EXPECT_NE(r.out.find(absl::StrCat("head position ", head, "\n")), std::string::npos)
        << "verify passed a folder that lost acknowledged events: " << r.out;
  } else {
    EXPECT_TRUE(r.out.find("BROKEN") != std::string::npos ||
                r.err.find("orruption") != std::string::npos)
        << r.out << r.err;
  }
  std::filesystem::remove_all(dir);
}

TEST(TamperRestoreDrillTest, TamperedWalRecordInTheMiddleIsNotSilentlyTruncated) {
  WalTamperDrill(10);
}

TEST(TamperRestoreDrillTest, TamperedLastWalRecordIsNotSilentlyDropped) { WalTamperDrill(19); }

}  // namespace
}  // namespace arrs::cli_test
