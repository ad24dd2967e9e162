// DemoLoader: arrsctl demo's steps (demo.cc runs them in order). Internal to cli/.
//
//   demo_history.cc      each PCN: registration, list sizes and rates, staff and their
//                        changes, monthly claims assessed and paid (LoadPcn)
//   demo_corrections.cc  a pay rise corrected, a late-reported WTE recovered from a later
//                        payment (Correct, Restate), and the rule book published late
//                        (PublishRules)
//   demo.cc              Run: the order of the steps and the summary printed
//
// Every request id is "demo:<step>", so a second run writes nothing new.
#ifndef ARRS_CLI_DEMO_LOADER_H_
#define ARRS_CLI_DEMO_LOADER_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "cli/context.h"
#include "cli/demo_data.h"
#include "cli/demo_rules.h"
#include "ledger/util/civil_date.h"

namespace arrs::cli {

// The pay rise of Riverside's CP-01 was keyed as £46,500; the contract says £45,600.
inline constexpr int64_t kTruePayRisePence = 4560000;

// "2024-08".
inline std::string Month(absl::CivilDay m) { return FormatCivilDay(m).substr(0, 7); }

class DemoLoader {
 public:
  DemoLoader(Context& ctx, std::string rules_dir)
      : ctx_(ctx),
        commands_(ctx.commands()),
        queries_(ctx.queries()),
        rules_dir_(std::move(rules_dir)) {}

  int Run();

 private:
  template <typename Req>
  using Method = grpc::Status (v1::CommandService::Stub::*)(grpc::ClientContext*, const Req&,
                                                            v1::CommandResult*);

  // Sends one command as `token` with request id "demo:<step>"; false (reported) on error.
  template <typename Req>
  bool Send(Method<Req> method, const std::string& token, const std::string& step, Req req,
            v1::CommandResult* result = nullptr, const std::string& reason = "") {
    req.mutable_header()->set_request_id("demo:" + step);
    req.mutable_header()->set_reason(reason);
    v1::CommandResult local;
    v1::CommandResult* out = result ? result : &local;
    auto call = ctx_.NewCall(token);
    grpc::Status s = ((*commands_).*method)(call.get(), req, out);
    if (!s.ok()) {
      ReportRpcError(s, "demo step " + step);
      return false;
    }
    ++requests_;
    if (out->deduplicated()) {
      ++deduplicated_;
    } else {
      written_ += out->last_position() - out->first_position() + 1;
    }
    head_ = std::max<uint64_t>(head_, out->last_position());
    return true;
  }

  bool LoadPcn(size_t index, const demo::DemoPcn& pcn);
  // True when the rule book in force has a rate per weighted patient for the year.
  bool HasRate(int financial_year);
  bool LoadStaff(const demo::DemoPcn& pcn, const std::vector<demo::DemoStaff>& staff,
                 const std::vector<demo::DemoChange>& changes);
  bool LoadClaims(size_t index, const demo::DemoPcn& pcn, const std::vector<demo::DemoStaff>& staff,
                  const std::vector<demo::DemoChange>& changes);
  bool Correct();
  // Harbour reports late that CP-02 worked 0.8 WTE from August to November 2024: the
  // claims already paid for those months are overpaid, and the commissioner recovers it
  // from the payment of the February 2025 claim.
  bool Restate();
  // What `claim` was overpaid before any recovery (0 when nothing), from its restatement
  // as known at `known_at` (the same figure on a re-run, whatever was published since).
  bool Overpaid(const demo::DemoPcn& pcn, const std::string& claim, uint64_t known_at,
                int64_t* pence);
  // Publishes `versions` as the admin, request id "demo:rules:<version>"; a version the
  // server already has (arrsd --rules-dir publishes the folder at start) is left as it is.
  // Sets *first_published to the position of the first version published now (0: none).
  bool PublishRules(const std::vector<v1::FinancialYearRules>& versions, uint64_t* first_published);
  // What was loaded, the late rule version's effect (when published now, at
  // `late_published`) and the commands to try next, on stdout.
  void PrintSummary(const demo::RulesPlan& rules_plan, uint64_t late_published) const;
  // The approved total still to pay, from the assessment or (on a re-run) ExplainClaim.
  bool ApprovedTotal(const demo::DemoPcn& pcn, const std::string& claim,
                     const v1::CommandResult& assessed, int64_t* total);

  Context& ctx_;
  std::unique_ptr<v1::CommandService::Stub> commands_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
  uint64_t requests_ = 0, deduplicated_ = 0, written_ = 0, head_ = 0;
  int staff_ = 0, claims_ = 0, lines_ = 0, paid_claims_ = 0;
  int64_t paid_pence_ = 0;
  int64_t recovered_pence_ = 0;
  std::map<std::string, int> outcomes_;
  std::set<int> roles_;
  std::map<std::string, uint64_t> positions_;  // step -> position of its event
  std::string rules_dir_;                      // "" : the server's rule book as it is
};

}  // namespace arrs::cli

#endif  // ARRS_CLI_DEMO_LOADER_H_
