// arrsctl correct | rules publish | subscribe | backup | stats | token-hash
#include <openssl/sha.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/describe.h"
#include "cli/table.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "ledger/util/civil_date.h"
#include "services/auth.h"

namespace arrs::cli {
namespace {

absl::StatusOr<std::string> ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Protobuf text format or JSON (a leading '{'); "@FILE" reads the text from FILE.
absl::Status ParseMessageArg(const std::string& arg, google::protobuf::Message* out) {
  std::string text = arg;
  if (!arg.empty() && arg[0] == '@') {
    absl::StatusOr<std::string> file = ReadFileText(arg.substr(1));
    if (!file.ok()) return absl::InvalidArgumentError(file.status().message());
    text = *file;
  }
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    auto status = google::protobuf::util::JsonStringToMessage(text, out);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("not valid JSON for ", out->GetTypeName(), ": ", status.ToString()));
    }
    return absl::OkStatus();
  }
  if (!google::protobuf::TextFormat::ParseFromString(text, out)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not valid protobuf text for ", out->GetTypeName()));
  }
  return absl::OkStatus();
}

struct CorrectOptions {
  std::string pcn, replacement, effective;
  uint64_t position = 0;
  bool reverse = false;
};

int RunCorrect(Context& ctx, const CorrectOptions& o) {
  if (o.reverse == !o.replacement.empty()) {
    return ReportError(absl::InvalidArgumentError("give exactly one of --reverse or --replace"));
  }
  if (ctx.options.reason.empty()) {
    return ReportError(absl::InvalidArgumentError("--reason is required for a correction"));
  }
  v1::CorrectRequest req;
  *req.mutable_header() = ctx.Header();
  req.set_pcn_code(o.pcn);
  req.set_corrects_position(o.position);
  if (o.reverse) {
    req.set_reverse(true);
  } else {
    absl::Status parsed = ParseMessageArg(o.replacement, req.mutable_replacement());
    if (!parsed.ok()) return ReportError(parsed);
  }
  ASSIGN_OR_RETURN(effective, ParseDateArg(o.effective, "--effective"), ReportError);
  *req.mutable_effective_date() = effective;
  return SendCommand(ctx, &CommandStub::Correct, req, "correct",
                     absl::StrCat("position ", o.position, o.reverse ? " reversed" : " replaced"));
}

struct PublishOptions {
  std::string file;
};

int RunPublish(Context& ctx, const PublishOptions& o) {
  ASSIGN_OR_RETURN(text, ReadFileText(o.file), ReportError);
  v1::PublishRulesRequest req;
  *req.mutable_header() = ctx.Header();
  absl::Status parsed = ParseMessageArg(text, req.mutable_rules());
  if (!parsed.ok()) return ReportError(parsed);
  v1::CommandResult result;
  if (int failed =
          CallRpc(ctx, ctx.commands(), &CommandStub::PublishRules, req, &result, "rules publish")) {
    return failed;
  }
  const int printed = PrintCommandResult(
      ctx, result, absl::StrCat("rules ", req.rules().version(), " published"));
  if (printed == kExitOk && !result.deduplicated() && ctx.format() == OutputFormat::kTable) {
    PrintPublicationEffect(ctx, req.rules().financial_year(), result.first_position());
  }
  return printed;
}

struct SubscribeOptions {
  uint64_t from = 1;
  uint64_t limit = 0;
};

int RunSubscribe(Context& ctx, const SubscribeOptions& o) {
  v1::SubscribeRequest req;
  req.set_from_position(o.from);
  grpc::ClientContext call;
  if (!ctx.options.token.empty()) call.AddMetadata("authorization", "Bearer " + ctx.options.token);
  auto reader = ctx.admin()->Subscribe(&call, req);
  const OutputFormat format = ctx.format();
  if (format == OutputFormat::kCsv) {
    std::printf("position,recorded_at,effective,stream,actor,event,what,reason,corrects\n");
  }
  uint64_t seen = 0;
  v1::Event event;
  while (reader->Read(&event)) {
    if (format == OutputFormat::kJson) {
      std::printf("%s\n", ToJson(event, false).c_str());
    } else {
      std::vector<std::string> cells = {
          absl::StrCat(event.position()), MicrosText(event.recorded_at_micros()),
          DateText(event.effective_date()), event.stream(), event.actor(), EventKind(event),
          DescribePayload(event), event.reason(),
          event.corrects() ? absl::StrCat(event.corrects()) : ""};
      std::string line;
      for (size_t i = 0; i < cells.size(); ++i) {
        if (format == OutputFormat::kCsv) {
          absl::StrAppend(&line, i ? "," : "", CsvField(cells[i]));
        } else if (!cells[i].empty() || i < 6) {
          absl::StrAppend(&line, i ? "  " : "", cells[i]);
        }
      }
      std::printf("%s\n", line.c_str());
    }
    std::fflush(stdout);
    if (o.limit > 0 && ++seen >= o.limit) {
      call.TryCancel();
      break;
    }
  }
  grpc::Status s = reader->Finish();
  if (!s.ok() && !(o.limit > 0 && seen >= o.limit)) return ReportRpcError(s, "subscribe");
  return kExitOk;
}

struct BackupOptions {
  std::string to;
};

int RunBackup(Context& ctx, const BackupOptions& o) {
  v1::BackupRequest req;
  req.set_target_dir(o.to);
  v1::BackupResponse resp;
  if (int failed = CallRpc(ctx, ctx.admin(), &AdminStub::Backup, req, &resp, "backup")) {
    return failed;
  }
  Table table({"backup", "head_position", "head_hash"});
  table.AddRow({resp.target_dir(), absl::StrCat(resp.head_position()),
                HexText(resp.head_hash())});
  Emit(ctx, resp, table, {"Backup written on the server (record the head hash):"});
  return kExitOk;
}

struct StatsOptions {};

int RunStats(Context& ctx, const StatsOptions&) {
  v1::StatsResponse resp;
  if (int failed =
          CallRpc(ctx, ctx.admin(), &AdminStub::Stats, v1::StatsRequest(), &resp, "stats")) {
    return failed;
  }
  Table table({"stream", "events"});
  table.RightAlign({1});
  for (const v1::StreamCount& c : resp.streams()) {
    table.AddRow({c.stream(), absl::StrCat(c.events())});
  }
  Emit(ctx, resp, table,
       {absl::StrCat("head position ", resp.head_position()),
        absl::StrCat("head hash     ", HexText(resp.head_hash())),
        absl::StrCat("data bytes    ", resp.data_bytes())});
  return kExitOk;
}

struct TokenHashOptions {
  std::string token;
};

int RunTokenHash(Context&, const TokenHashOptions& o) {
  // An empty or short token would be refused by arrsd; a hash of one is a trap.
  if (absl::Status length = services::CheckTokenLength(o.token); !length.ok()) {
    return ReportError(length);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(o.token.data()), o.token.size(), digest);
  std::printf("%s\n",
              HexText(std::string(reinterpret_cast<char*>(digest), sizeof(digest))).c_str());
  return kExitOk;
}

}  // namespace

void PrintPublicationEffect(Context& ctx, int financial_year, uint64_t published_at) {
  auto report_at = [&](uint64_t position, v1::ArrearsReport* out) {
    v1::ArrearsRequest req;
    req.set_financial_year(financial_year);
    req.mutable_known_at()->set_position(position);
    auto call = ctx.NewCall();
    call->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
    return ctx.queries()->GetArrears(call.get(), req, out);
  };
  v1::ArrearsReport before, after;  // nothing before the log's first event
  grpc::Status s = published_at > 1 ? report_at(published_at - 1, &before) : grpc::Status::OK;
  if (s.ok()) s = report_at(published_at, &after);
  if (!s.ok()) {
    std::printf("effect on paid claims not shown: %s\n", s.error_message().c_str());
    return;
  }
  std::printf("effect on paid claims of %s (all PCNs):\n"
              "  arrears due              %s (before: %s)\n"
              "  overpayments to recover  %s (before: %s)\n"
              "  PCNs owed either way     %d (before: %d)\n"
              "see `arrsctl arrears --year %s` for each claim and its causes\n",
              FormatFinancialYear(financial_year).c_str(),
              Money(ctx, after.arrears_due_pence()).c_str(),
              Money(ctx, before.arrears_due_pence()).c_str(),
              Money(ctx, after.overpayment_to_recover_pence()).c_str(),
              Money(ctx, before.overpayment_to_recover_pence()).c_str(), after.pcns_size(),
              before.pcns_size(), FormatFinancialYear(financial_year).c_str());
}


void AddAdminCommands(CLI::App& app, Context& ctx) {
  AddCommand(
      &app, ctx,
      PcnCommand("correct", "Reverse or replace an earlier event (admin; --reason required)",
                 {{"position", &CorrectOptions::position, "Log position of the event to correct",
                   kRequired},
                  {"--reverse", &CorrectOptions::reverse, "The fact never held"},
                  {"--replace", &CorrectOptions::replacement,
                   "The fact as it should have been: a Payload as protobuf text or JSON, "
                   "or @FILE"},
                  {"--effective", &CorrectOptions::effective, "Effective date of the replacement"}},
                 "  arrsctl correct U10001 412 --reverse --reason \"FTE change entered "
                 "twice\"\n"
                 "  arrsctl correct U10001 388 --reason \"wrong salary keyed\" \\\n"
                 "    --replace 'pay_changed { staff_id: \"CP-001\" annual_salary_pence: "
                 "4650000 annual_on_costs_pence: 1162500 }'",
                 RunCorrect));
  AddCommand<PublishOptions>(app.get_subcommand("rules"), ctx,
                             {"publish",
                              "Publish a rule version from a text-format file (admin)",
                              {{"file", &PublishOptions::file,
                                "FinancialYearRules in protobuf text format (or JSON)", kRequired}},
                              "  arrsctl rules publish rules/2025-26.textproto",
                              RunPublish});
  AddCommand<SubscribeOptions>(
      &app, ctx,
      {"subscribe",
       "Print every event from a position, then live events",
       {{"--from", &SubscribeOptions::from, "First log position", kShowDefault},
        {"--limit", &SubscribeOptions::limit, "Stop after this many events (default: follow)"}},
       "  arrsctl subscribe --from 1 --limit 20\n  arrsctl subscribe --from 500 --json | jq .",
       RunSubscribe});
  AddCommand<BackupOptions>(
      &app, ctx,
      {"backup",
       "Write a consistent backup of the ledger on the server (admin)",
       {{"--to", &BackupOptions::to, "Backup folder on the server; must not exist", kRequired}},
       "  arrsctl backup --to /var/backups/arrs/2025-04-01",
       RunBackup});
  AddCommand<StatsOptions>(&app, ctx,
                           {"stats",
                            "Head position and hash, size, events per stream",
                            {},
                            "  arrsctl stats --csv",
                            RunStats});
  AddCommand<TokenHashOptions>(
      &app, ctx,
      {"token-hash",
       "Print the SHA-256 of a token for the tokens file",
       {{"token", &TokenHashOptions::token,
         absl::StrCat("The token (at least ", services::kMinTokenBytes, " characters)"),
         kRequired}},
       "  arrsctl token-hash \"$(openssl rand -hex 24)\"",
       RunTokenHash});
}

}  // namespace arrs::cli
