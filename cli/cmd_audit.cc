// arrsctl audit: who recorded what, when, why, from when it holds, and what corrected it.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/describe.h"
#include "cli/table.h"

namespace arrs::cli {
namespace {

struct AuditOptions {
  std::string pcn, staff, claim;
};

int PrintAuditTrail(const Context& ctx, const v1::AuditRequest& req, const v1::AuditTrail& trail) {
  Table table({"position", "recorded_at", "effective", "actor", "event", "what", "reason",
               "corrects", "corrected_by", "in_force"});
  table.RightAlign({0, 7});
  for (const v1::AuditEntry& e : trail.entries()) {
    const v1::Event& ev = e.event();
    std::vector<std::string> by;
    for (uint64_t p : e.corrected_by()) by.push_back(absl::StrCat(p));
    table.AddRow({absl::StrCat(ev.position()), MicrosText(ev.recorded_at_micros()),
                  DateText(ev.effective_date()), ev.actor(), EventKind(ev),
                  DescribePayload(ev), ev.reason(),
                  ev.corrects() ? absl::StrCat(ev.corrects()) : "",
                  absl::StrJoin(by, " "), e.cancelled() ? "no (corrected)" : "yes"});
  }
  std::string scope = absl::StrCat("PCN ", req.pcn_code());
  if (!req.staff_id().empty()) absl::StrAppend(&scope, " staff ", req.staff_id());
  if (!req.claim_id().empty()) absl::StrAppend(&scope, " claim ", req.claim_id());
  Emit(ctx, trail, table,
       {absl::StrCat("Audit trail of ", scope, " (as known at log position ",
                     trail.computed_at_position(), ")")},
       {absl::StrCat(trail.entries_size(), " events")});
  return kExitOk;
}

int RunAudit(Context& ctx, const AuditOptions& o) {
  v1::AuditRequest req;
  req.set_pcn_code(o.pcn);
  req.set_staff_id(o.staff);
  req.set_claim_id(o.claim);
  return QueryAndPrint(ctx, &QueryStub::GetAuditTrail, &req, "audit", PrintAuditTrail);
}

}  // namespace

void AddAuditCommands(CLI::App& app, Context& ctx) {
  AddCommand(&app, ctx,
             PcnCommand("audit",
                        "Every recorded fact of a PCN, a member of staff or a claim: actor, "
                        "reason, times, corrections",
                        {{"--staff", &AuditOptions::staff, "Only events about this staff id"},
                         {"--claim", &AuditOptions::claim, "Only events about this claim id"}},
                        "  arrsctl audit U10001 --staff CP-001\n"
                        "  arrsctl audit U10001 --claim 2023-10 --csv > audit.csv",
                        RunAudit));
}

}  // namespace arrs::cli
