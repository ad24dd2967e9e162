// The mixed-load bench's subscribers: ordinary ones that read every event as it comes,
// and a slow one that, in cycles, reads for a while, then stops reading for longer than
// the server's stall limit, then reads again: it expects what was sent before the cut-off,
// then RESOURCE_EXHAUSTED naming the position to resume from, and resumes there. Both
// check that every position follows the one before (no gap, no duplicate) across resumes.
// Header only.
#ifndef ARRS_BENCH_MIXED_LOAD_SUBSCRIBERS_H_
#define ARRS_BENCH_MIXED_LOAD_SUBSCRIBERS_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "arrs/v1/service.grpc.pb.h"

namespace arrs::bench {

struct SubscriberReport {
  uint64_t events = 0;
  uint64_t out_of_order = 0;  // a position other than the one after the last
  uint64_t next = 1;          // the position it would read next
  std::vector<std::string> endings;  // each stream's final status, in order
};

// One cut-off the slow subscriber met: when (seconds since the run started), how long it
// had paused by then, the last position it read and the position the status named.
struct CutOff {
  double paused_at_s = 0;
  double status_at_s = 0;
  uint64_t last_read = 0;
  uint64_t resume = 0;  // 0: the stream ended without naming one
  std::string status;
};

class SubscribeClient {
 public:
  using Clock = std::chrono::steady_clock;
  SubscribeClient(std::shared_ptr<grpc::Channel> channel, std::string token,
                  Clock::time_point start, Clock::time_point end)
      : admin_(v1::AdminService::NewStub(channel)),
        token_("Bearer " + std::move(token)),
        start_(start),
        end_(end) {}

  // Reads every event until `end`, resuming wherever a stream ends early.
  SubscriberReport RunOrdinary() {
    while (Clock::now() < end_) {
      Open();
      ReadWhile([] { return true; });
      const grpc::Status status = End();
      report_.endings.push_back(absl::StrCat(status.error_code(), " ",
                                             status.error_message().substr(0, 120)));
      if (Clock::now() < end_) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return report_;
  }

  // Cycles until `end`: read for `read_for`, pause `pause_for`, read again to the stream's
  // end, resume from the position named by its status (else from the last read + 1).
  SubscriberReport RunSlow(std::chrono::seconds read_for, std::chrono::seconds pause_for,
                           std::vector<CutOff>* cut_offs) {
    while (Clock::now() < end_) {
      Open();
      const Clock::time_point read_until = Clock::now() + read_for;
      ReadWhile([&] { return Clock::now() < read_until; });
      CutOff cut;
      cut.paused_at_s = Since(start_);
      std::this_thread::sleep_until(std::min(end_, Clock::now() + pause_for));
      ReadWhile([] { return true; });
      const grpc::Status status = End();
      cut.status_at_s = Since(start_);
      cut.last_read = report_.next - 1;
      cut.status = absl::StrCat(status.error_code(), " ", status.error_message().substr(0, 160));
      constexpr char kResume[] = "resume from position ";
      const std::string message = status.error_message();
      if (const size_t at = message.find(kResume); at != std::string::npos) {
        cut.resume = std::stoull(message.substr(at + sizeof(kResume) - 1));
        report_.next = cut.resume;
      }
      cut_offs->push_back(cut);
    }
    return report_;
  }

 private:
  static double Since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  }
  void Open() {
    context_ = std::make_unique<grpc::ClientContext>();
    context_->AddMetadata("authorization", token_);
    context_->set_deadline(std::chrono::system_clock::now() +
                           std::chrono::duration_cast<std::chrono::system_clock::duration>(
                               end_ - Clock::now()));
    v1::SubscribeRequest request;
    request.set_from_position(report_.next);
    reader_ = admin_->Subscribe(context_.get(), request);
  }
  template <typename More>
  void ReadWhile(More more) {
    v1::Event event;
    while (more() && reader_->Read(&event)) {
      if (event.position() != report_.next) report_.out_of_order++;
      report_.next = event.position() + 1;
      report_.events++;
    }
  }
  grpc::Status End() {
    v1::Event event;
    if (Clock::now() >= end_) context_->TryCancel();
    while (Clock::now() >= end_ && reader_->Read(&event)) {
    }
    return reader_->Finish();
  }

  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::string token_;
  Clock::time_point start_, end_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<v1::Event>> reader_;
  SubscriberReport report_;
};

}  // namespace arrs::bench

#endif  // ARRS_BENCH_MIXED_LOAD_SUBSCRIBERS_H_
