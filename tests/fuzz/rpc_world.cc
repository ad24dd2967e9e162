#include "tests/fuzz/rpc_world.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits for protobuf messages
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "arrs/v1/api.pb.h"
#include "arrs/v1/service.pb.h"
#include "google/protobuf/text_format.h"
#include "ledger/rules/rule_file.h"
#include "services/jwks.h"
#include "services/jwt_config.h"
#include "services/log.h"
#include "tests/fuzz/fuzz_targets.h"
#include "tests/services/jwt_test_keys.h"

namespace arrs::fuzz {
namespace {

using google::protobuf::Message;

constexpr char kAdmin[] = "fuzz-admin-token-0001";

using Request = std::pair<std::string, std::string>;  // a method's name, its request's text

// A claim of U40001 with one line for s1, submitted and then assessed (request ids
// world-<first_id> and the next).
std::vector<Request> AssessedClaim(int first_id, const char* claim_id, int month,
                                   int64_t cost_pence) {
  return {{"SubmitClaim",
           absl::Substitute(R"pb(header { request_id: "world-$0" }
                                 pcn_code: "U40001"
                                 claim_id: "$1"
                                 month { year: 2023 month: $2 day: 1 }
                                 lines { line_no: 1 staff_id: "s1" actual_cost_pence: $3 })pb",
                            first_id, claim_id, month, cost_pence)},
          {"AssessClaim", absl::Substitute(R"pb(header { request_id: "world-$0" }
                                                pcn_code: "U40001"
                                                claim_id: "$1")pb",
                                           first_id + 1, claim_id)}};
}

// A hire into U40001 (lead practice, from the 1st of `month` in 2023).
Request Hire(const char* request_id, const char* staff, const char* role, int band, int month,
             int wte_bp, int64_t salary_pence) {
  return {"HireStaff",
          absl::Substitute(R"pb(header { request_id: "$0" }
                                pcn_code: "U40001"
                                staff_id: "$1"
                                role: $2
                                band: "$3"
                                employment_model: LEAD_PRACTICE
                                hire_date { year: 2023 month: $4 day: 1 }
                                wte_bp: $5
                                annual_salary_pence: $6)pb",
                           request_id, staff, role, band, month, wte_bp, salary_pence)};
}

// The seeded history, sent by an admin before any input runs.
std::vector<Request> History() {
  std::vector<Request> history = {
      {"RegisterPcn",
       R"pb(header { request_id: "world-1" }
            pcn_code: "U40001"
            name: "Fuzz One"
            icb_code: "QAA"
            effective_date { year: 2019 month: 7 day: 1 })pb"},
      {"RegisterPcn",
       R"pb(header { request_id: "world-2" }
            pcn_code: "U40002"
            name: "Fuzz Two"
            icb_code: "QBB"
            effective_date { year: 2019 month: 7 day: 1 })pb"},
      {"RecordListSize",
       R"pb(header { request_id: "world-3" }
            pcn_code: "U40001"
            reference_date { year: 2023 month: 1 day: 1 }
            registered_list_size: 45000
            weighted_population_milli: 47000000)pb"},
      {"SetEntitlement",
       R"pb(header { request_id: "world-4" }
            pcn_code: "U40001"
            financial_year: 2023
            derive_from_weighted_population: true)pb"},
      Hire("world-5", "s1", "CARE_COORDINATOR", /*band=*/4, /*month=*/4, 10000, 2500000),
  };
  for (Request& r : AssessedClaim(6, "c1", 5, 200000)) history.push_back(std::move(r));
  // A second assessed claim, for reductions (c1 stays payable at its approved amount).
  for (Request& r : AssessedClaim(8, "c0", 4, 150000)) history.push_back(std::move(r));
  return history;
}

// A valid request of every method (for an admin; other callers may be refused); Build fills
// in the positions, the amount and the rules that depend on the seeded history. Commands keep their
// request ids, so after their first success they are answered deduplicated.
const std::map<std::string, std::string>& Templates() {
  static const auto* templates = new std::map<std::string, std::string>{
      {"RegisterPcn",
       R"pb(header { request_id: "t-register" }
            pcn_code: "U40009"
            name: "Fuzz Nine"
            icb_code: "QAA"
            member_practices { ods_code: "A10001" name: "Practice" }
            effective_date { year: 2020 month: 4 day: 1 })pb"},
      {"RecordListSize",
       R"pb(header { request_id: "t-list" }
            pcn_code: "U40001"
            reference_date { year: 2024 month: 1 day: 1 }
            registered_list_size: 46000
            weighted_population_milli: 48000000)pb"},
      {"RecordBaseline",
       R"pb(header { request_id: "t-baseline" }
            pcn_code: "U40001"
            roles { role: CARE_COORDINATOR headcount: 1 wte_bp: 10000 })pb"},
      {"SetEntitlement",
       R"pb(header { request_id: "t-sum" }
            pcn_code: "U40001"
            financial_year: 2024
            sum_pence: 100000000)pb"},
      Hire("t-hire", "s2", "CLINICAL_PHARMACIST", /*band=*/7, /*month=*/6, 5000, 4500000),
      {"ChangeStaff",
       R"pb(header { request_id: "t-change" }
            pcn_code: "U40001"
            staff_id: "s1"
            effective_date { year: 2023 month: 9 day: 1 }
            fte_changed { staff_id: "s1" wte_bp: 8000 })pb"},
      {"SubmitClaim",
       R"pb(header { request_id: "t-claim" }
            pcn_code: "U40001"
            claim_id: "c2"
            month { year: 2023 month: 6 day: 1 }
            lines { line_no: 1 staff_id: "s1" actual_cost_pence: 210000 })pb"},
      {"AssessClaim", R"pb(header { request_id: "t-assess" }
                           pcn_code: "U40001"
                           claim_id: "c1")pb"},
      {"ReduceClaimLine",
       R"pb(header { request_id: "t-reduce" reason: "over the invoice" }
            pcn_code: "U40001"
            claim_id: "c0"
            line_no: 1
            approved_pence: 1000)pb"},
      {"PayClaim",
       R"pb(header { request_id: "t-pay" }
            pcn_code: "U40001"
            claim_id: "c1"
            paid_on { year: 2023 month: 7 day: 1 }
            amount_pence: 1000
            payment_reference: "BACS-1")pb"},
      {"Correct",
       R"pb(header { request_id: "t-correct" reason: "entered twice" }
            pcn_code: "U40001"
            corrects_position: 1
            reverse: true)pb"},
      {"PublishRules", R"pb(header { request_id: "t-rules" })pb"},
      {"RecordLondonZone",
       R"pb(header { request_id: "t-zone" }
            pcn_code: "U40001"
            effective_from { year: 2023 month: 4 day: 1 }
            zone: OUTER_LONDON
            source: "ICB letter")pb"},
      {"PayArrears",
       R"pb(header { request_id: "t-arrears" reason: "restated" }
            pcn_code: "U40001"
            claim_id: "c1"
            paid_on { year: 2024 month: 1 day: 1 }
            amount_pence: 100)pb"},
      {"RecoverOverpayment",
       R"pb(header { request_id: "t-recover" reason: "restated" }
            pcn_code: "U40001"
            claim_id: "c1"
            recovered_on { year: 2024 month: 1 day: 1 }
            amount_pence: 100
            method: REPAID)pb"},
      {"GetBalance", R"pb(pcn_code: "U40001" financial_year: 2023)pb"},
      {"GetCapUsage", R"pb(pcn_code: "U40001"
                           as_of { year: 2023 month: 5 day: 1 })pb"},
      {"GetWorkforce", R"pb(pcn_code: "U40001"
                            as_of { year: 2023 month: 5 day: 1 })pb"},
      {"GetAuditTrail", R"pb(pcn_code: "U40001"
                             claim_id: "c1"
                             known_at { position: 40 })pb"},
      {"GetRegionSummary", R"pb(icb_code: "QAA"
                                as_of { year: 2023 month: 5 day: 1 })pb"},
      {"ExplainClaim", R"pb(pcn_code: "U40001" claim_id: "c1" line_no: 1)pb"},
      {"GetRules", R"pb(financial_year: 2023)pb"},
      {"GetRulesCoverage", R"pb(financial_year: 2023)pb"},
      {"ListPcns", R"pb(known_at { recorded_at_micros: 1700000000000000 })pb"},
      {"GetArrears", R"pb(icb_code: "QAA" financial_year: 2023)pb"},
      {"ListClaims", R"pb(icb_code: "QAA" statuses: "assessed")pb"},
      {"WhoAmI", ""},
      {"Verify", ""},
      // Into a fresh folder under the backup root (emptied after each backup).
      {"Backup", R"pb(target_dir: "BACKUP_ROOT/b1")pb"},
      {"Stats", ""},
      {"Subscribe", R"pb(from_position: 1)pb"},
  };
  return *templates;
}

std::unique_ptr<Message> NewMessage(const google::protobuf::Descriptor* type) {
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  ARRS_FUZZ_CHECK(prototype != nullptr);
  return std::unique_ptr<Message>(prototype->New());
}

std::unique_ptr<Message> ParseTemplate(const google::protobuf::Descriptor* type,
                                       const std::string& text) {
  std::unique_ptr<Message> m = NewMessage(type);
  const bool parsed = google::protobuf::TextFormat::ParseFromString(text, m.get());
  if (!parsed)
    std::fprintf(stderr, "bad template for %s: %s\n", type->full_name().c_str(), text.c_str());
  ARRS_FUZZ_CHECK(parsed);
  return m;
}

// A JWT verifier for a P-256 key made now, and two tokens it accepts (valid for 30 days).
void AddJwtVerifier(RpcWorld* w) {
  namespace ts = testing_support;
  const ts::SigningKey key = ts::NewEcKey("fuzz-ec");
  absl::StatusOr<services::JwksKeySet> keys = services::JwksKeySet::Parse(ts::JwksJson({key}));
  ARRS_FUZZ_CHECK(keys.ok());
  absl::StatusOr<services::JwtConfig> config = services::JwtConfig::Parse(ts::JwtConfigText());
  ARRS_FUZZ_CHECK(config.ok());
  w->jwt_verifier = std::make_unique<services::JwtVerifier>(*config, *std::move(keys));
  w->tokens->SetJwtVerifier(w->jwt_verifier.get());
  for (auto [sub, role, codes] :
       {std::tuple<const char*, const char*, std::vector<std::string>>{"jwt-admin", "admin", {}},
        {"jwt-u40001", "pcn", {"U40001"}}}) {
    ts::Json claims = ts::Claims(sub, role, codes);
    claims["exp"] = absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 30));
    w->jwt_tokens.push_back(ts::Mint(key, claims));
    ARRS_FUZZ_CHECK(w->jwt_verifier->Verify(w->jwt_tokens.back()).ok());
  }
}

void Build(RpcWorld* w) {
  services::SetLogLevel(services::LogLevel::kOff);
  w->dir = std::filesystem::temp_directory_path() / absl::StrCat("arrs-rpc-fuzz-", getpid());
  w->backup_root = w->dir / "backups";
  std::filesystem::remove_all(w->dir);
  std::filesystem::create_directories(w->backup_root);

  const std::pair<const char*, const char*> principals[] = {
      {kAdmin, "admin * fuzz-admin"},
      {"fuzz-auditor-token-0001", "auditor * fuzz-auditor"},
      {"fuzz-commissioner-qaa-0001", "commissioner QAA qaa-team"},
      {"fuzz-commissioner-qbb-0001", "commissioner QBB qbb-team"},
      {"fuzz-pcn-u40001-token", "pcn U40001 u40001-system"},
      {"fuzz-pcn-u40002-token", "pcn U40002 u40002-system"},
  };
  std::string token_file;
  for (const auto& [token, principal] : principals) {
    absl::StrAppend(&token_file, services::TokenHash(token), " ", principal, "\n");
    w->callers.push_back({token, true});
  }
  w->callers.push_back({"", false});
  w->callers.push_back({"unknown-token-00000000", false});
  absl::StatusOr<services::TokenStore> store = services::TokenStore::Parse(token_file);
  ARRS_FUZZ_CHECK(store.ok());
  w->tokens = std::make_unique<services::TokenStore>(*std::move(store));
  AddJwtVerifier(w);

  absl::StatusOr<std::unique_ptr<engine::Ledger>> ledger =
      engine::Ledger::Open((w->dir / "data").string(), engine::LedgerOptions());
  ARRS_FUZZ_CHECK(ledger.ok());
  w->ledger = *std::move(ledger);
  ARRS_FUZZ_CHECK(w->ledger->PublishRulesDir(ARRS_SOURCE_DIR "/rules", "fuzz").ok());

  services::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.data_dir = (w->dir / "data").string();
  options.backup_root = w->backup_root.string();
  options.http_listen_address = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<services::ArrsServer>> server =
      services::ArrsServer::Start(w->ledger.get(), w->tokens.get(), options);
  ARRS_FUZZ_CHECK(server.ok());
  w->server = *std::move(server);
  w->http_port = w->server->http_port();
  ARRS_FUZZ_CHECK(w->http_port > 0);
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options.max_message_bytes);
  args.SetMaxSendMessageSize(options.max_message_bytes);
  w->channel = w->server->InProcessChannel(args);
  w->max_message_bytes = static_cast<size_t>(options.max_message_bytes);

  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  // Refer to service.pb.cc's descriptors so that a static link keeps them.
  const void* volatile keep = &descriptor_table_arrs_2fv1_2fservice_2eproto;
  (void)keep;
  for (const char* name :
       {"arrs.v1.CommandService", "arrs.v1.QueryService", "arrs.v1.AdminService"}) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    ARRS_FUZZ_CHECK(service != nullptr);
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* m = service->method(i);
      auto found = Templates().find(m->name());
      if (found == Templates().end()) {
        std::fprintf(stderr, "no template request for %s\n", m->full_name().c_str());
      }
      ARRS_FUZZ_CHECK(found != Templates().end());  // a new method needs a template
      std::string text = found->second;
      if (m->name() == "Backup")
        text = absl::StrCat("target_dir: \"", w->backup_root.string(), "/b1\"");
      w->methods.push_back(RpcMethod{m, absl::StrCat("/", name, "/", m->name()),
                                     ParseTemplate(m->input_type(), text),
                                     service->name() == "CommandService"});
    }
  }

  // Filled in from the seeded history: the templates' positions and the claim's amount.
  uint64_t list_size_position = 0;
  int64_t approved_pence = 0;
  for (const auto& [method_name, text] : History()) {
    const RpcMethod* method = nullptr;
    for (const RpcMethod& m : w->methods) {
      if (m.descriptor->name() == method_name) method = &m;
    }
    ARRS_FUZZ_CHECK(method != nullptr);
    std::unique_ptr<Message> request = ParseTemplate(method->descriptor->input_type(), text);
    std::unique_ptr<Message> response = NewMessage(method->descriptor->output_type());
    const grpc::Status status = CallUnary(*w, *method, kAdmin, *request, response.get());
    if (!status.ok()) {
      std::fprintf(stderr, "%s: %s\n", method_name.c_str(), status.error_message().c_str());
    }
    ARRS_FUZZ_CHECK(status.ok());
    const auto& result = static_cast<const v1::CommandResult&>(*response);
    if (method->descriptor->name() == "RecordListSize") list_size_position = result.last_position();
    if (method->descriptor->name() == "AssessClaim" && approved_pence == 0) {
      approved_pence = result.assessment().total_approved_pence();
    }
  }
  for (RpcMethod& m : w->methods) {
    Message* t = m.request_template.get();
    if (m.descriptor->name() == "Correct") {
      static_cast<v1::CorrectRequest*>(t)->set_corrects_position(list_size_position);
    } else if (m.descriptor->name() == "PayClaim") {
      static_cast<v1::PayClaimRequest*>(t)->set_amount_pence(approved_pence);
    } else if (m.descriptor->name() == "PublishRules") {
      // A later revision of a shipped year: valid, and new the first time it is sent.
      absl::StatusOr<v1::FinancialYearRules> rules =
          rules::LoadRulesFile(ARRS_SOURCE_DIR "/rules/2025-26-r2.textproto");
      ARRS_FUZZ_CHECK(rules.ok());
      rules->set_version("2025/26 fuzz");
      *static_cast<v1::PublishRulesRequest*>(t)->mutable_rules() = *rules;
    } else if (m.descriptor->name() == "GetAuditTrail") {
      static_cast<v1::AuditRequest*>(t)->mutable_known_at()->set_position(w->Head());
    }
  }
}

}  // namespace

RpcWorld& TheRpcWorld() {
  static RpcWorld* world = [] {
    auto* w = new RpcWorld();  // kept for the process; only its folder is removed at exit
    Build(w);
    std::atexit([] {
      RpcWorld& world = TheRpcWorld();
      world.server->Shutdown(absl::ZeroDuration());
      std::error_code ignored;
      std::filesystem::remove_all(world.dir, ignored);
    });
    return w;
  }();
  return *world;
}

grpc::Status CallUnary(const RpcWorld& world, const RpcMethod& method, const std::string& token,
                       const Message& request, Message* response) {
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::TemplatedGenericStub<Message, Message> stub(world.channel);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method.path, grpc::StubOptions(), &request, response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  return done.get_future().get();
}

}  // namespace arrs::fuzz
