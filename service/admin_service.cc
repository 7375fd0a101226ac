#include "service/admin_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "admin/admin_proto_mapping.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "service/grpc_status.h"

namespace dnc::service {
namespace {

namespace v1 = ::dnc::v1;

// About this many bytes of JSON lines per ExportAuditChunk: well under the
// 4 MiB a default gRPC client accepts.
constexpr size_t kExportChunkBytes = 1 << 20;

constexpr char kOffMessage[] =
    "online administration is off (start dnc-server with --admin_key_file)";
constexpr char kNoStoreMessage[] =
    "this dnc-server runs with --auth=none and has no tenant store: there "
    "is nothing to administer (start it with --tenants DIR and "
    "--admin_key_file)";

// One line per admin call (event "admin"): what was asked, of which tenant,
// how it ended, from where. Never a key: requests carry keys only in
// metadata and answers only in CreateTenant / CreateApiKey, neither of
// which is logged.
void LogAction(const grpc::CallbackServerContext& context, const char* action,
               std::string_view tenant, const absl::Status& status,
               int64_t records = -1) {
  const std::string outcome =
      status.ok() ? "OK" : absl::StatusCodeToString(status.code());
  LogMessage line(status.ok() ? LogLevel::kInfo : LogLevel::kWarning, __FILE__,
                  __LINE__);
  line.Event("admin")
      .Field("action", action)
      .Field("tenant", std::string(tenant))
      .Field("outcome", outcome)
      .Field("peer", context.peer());
  if (records >= 0) line.Field("records", records);
  line << "admin " << action;
  if (!tenant.empty()) line << " of tenant " << tenant;
  line << ": " << outcome;
  if (!status.ok()) line << " (" << status.message() << ")";
  if (records >= 0) line << ", " << records << " records";
}

}  // namespace

AdminServiceImpl::AdminServiceImpl(const AdminAuthorizer* authorizer,
                                   tenant::TenantStore* store, CallGate* gate,
                                   ServerMetrics* metrics)
    : authorizer_(authorizer),
      gate_(gate),
      metrics_(metrics),
      admin_(store == nullptr ? nullptr
                              : std::make_unique<admin::StoreTenantAdmin>(
                                    store, "the server's tenant store")) {}

AdminServiceImpl::~AdminServiceImpl() = default;

absl::Status AdminServiceImpl::Admit(
    const grpc::CallbackServerContext& context) const {
  if (authorizer_ == nullptr) return absl::FailedPreconditionError(kOffMessage);
  if (admin_ == nullptr) return absl::FailedPreconditionError(kNoStoreMessage);
  return authorizer_->Authorize(context);
}

template <typename Body>
grpc::ServerUnaryReactor* AdminServiceImpl::Run(
    grpc::CallbackServerContext* context, const char* action,
    std::string_view tenant, Body&& body) {
  // Resolved per call (a lock and a short scan): administration is rare.
  // The metric's method is the RPC's ("PruneAudit(force)" is PruneAudit).
  const std::string_view method(action);
  auto* reactor = new GatedUnaryReactor(
      gate_,
      GrpcMethodMetrics(
          metrics_,
          absl::StrCat(v1::AdminService::service_full_name(), "/",
                       std::string(method.substr(0, method.find('('))))));
  if (!gate_->Enter()) {
    reactor->Finish(ShuttingDown());
    return reactor;
  }
  absl::Status status = Admit(*context);
  if (status.ok()) status = body();
  LogAction(*context, action, tenant, status);
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* AdminServiceImpl::CreateTenant(
    grpc::CallbackServerContext* context,
    const v1::CreateTenantRequest* request,
    v1::CreateTenantResponse* response) {
  return Run(context, "CreateTenant", request->tenant(), [&]() -> absl::Status {
    DNC_ASSIGN_OR_RETURN(
        std::string key,
        admin_->CreateTenant(admin::FromProto(*request), request->key_label()));
    response->set_api_key(std::move(key));
    DNC_ASSIGN_OR_RETURN(const admin::TenantView view,
                         admin_->View(request->tenant()));
    admin::ToProto(view, response->mutable_tenant());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::UpdateTenant(
    grpc::CallbackServerContext* context,
    const v1::UpdateTenantRequest* request, v1::AdminTenant* response) {
  return Run(context, "UpdateTenant", request->tenant(), [&]() -> absl::Status {
    DNC_RETURN_IF_ERROR(
        admin_->UpdateTenant(request->tenant(), admin::FromProto(*request))
            .status());
    DNC_ASSIGN_OR_RETURN(const admin::TenantView view,
                         admin_->View(request->tenant()));
    admin::ToProto(view, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::DeleteTenant(
    grpc::CallbackServerContext* context,
    const v1::DeleteTenantRequest* request,
    v1::DeleteTenantResponse* response) {
  return Run(context, "DeleteTenant", request->tenant(),
             [&] { return admin_->DeleteTenant(request->tenant()); });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListTenants(
    grpc::CallbackServerContext* context, const v1::ListTenantsRequest* request,
    v1::ListTenantsResponse* response) {
  return Run(context, "ListTenants", "", [&]() -> absl::Status {
    DNC_ASSIGN_OR_RETURN(const std::vector<admin::TenantView> views,
                         admin_->ListTenants());
    for (const admin::TenantView& view : views) {
      admin::ToProto(view, response->add_tenants());
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::CreateApiKey(
    grpc::CallbackServerContext* context,
    const v1::CreateApiKeyRequest* request,
    v1::CreateApiKeyResponse* response) {
  return Run(context, "CreateApiKey", request->tenant(), [&]() -> absl::Status {
    DNC_ASSIGN_OR_RETURN(
        std::string key,
        admin_->CreateApiKey(request->tenant(), request->label()));
    response->set_api_key(std::move(key));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::RevokeApiKey(
    grpc::CallbackServerContext* context,
    const v1::RevokeApiKeyRequest* request,
    v1::RevokeApiKeyResponse* response) {
  return Run(context, "RevokeApiKey", request->tenant(), [&]() -> absl::Status {
    if (request->label().empty()) {
      return absl::InvalidArgumentError(
          "label is required: the label of the key to revoke");
    }
    return admin_->RevokeApiKey(request->tenant(), request->label());
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::PruneAudit(
    grpc::CallbackServerContext* context, const v1::PruneAuditRequest* request,
    v1::PruneAuditResponse* response) {
  return Run(context, request->force() ? "PruneAudit(force)" : "PruneAudit", "",
             [&]() -> absl::Status {
               DNC_ASSIGN_OR_RETURN(
                   const uint64_t deleted,
                   admin_->PruneAudit(
                       absl::FromUnixMicros(request->before_unix_micros()),
                       request->force()));
               response->set_deleted(deleted);
               return absl::OkStatus();
             });
}

// Streams one export: a page of lines (StoreTenantAdmin::ExportAuditPage)
// per message, the next page read once the previous message is written, so
// an export of any size holds one page in memory. Counts in the gate until
// gRPC is done with the call.
class AdminServiceImpl::ExportReactor final
    : public grpc::ServerWriteReactor<v1::ExportAuditChunk> {
 public:
  ExportReactor(AdminServiceImpl* service, grpc::CallbackServerContext* context,
                const v1::ExportAuditRequest& request)
      : service_(service),
        context_(context),
        tenant_(request.tenant()),
        since_(absl::FromUnixMicros(request.since_unix_micros())),
        until_(absl::FromUnixMicros(request.until_unix_micros())) {}

  void Start() {
    if (!service_->gate_->Enter()) {
      Finish(ShuttingDown());
      return;
    }
    const absl::Status admitted = service_->Admit(*context_);
    if (!admitted.ok()) {
      End(admitted);
      return;
    }
    NextPage();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(absl::CancelledError("the client went away"));
      return;
    }
    NextPage();
  }

  void OnDone() override {
    service_->gate_->Exit();
    delete this;
  }

 private:
  void NextPage() {
    if (done_) {
      End(absl::OkStatus());
      return;
    }
    admin::AuditPage page;
    const absl::Status status = service_->admin_->ExportAuditPage(
        tenant_, since_, until_, kExportChunkBytes, &page);
    if (!status.ok()) {
      End(status);
      return;
    }
    if (page.next_since.has_value()) {
      since_ = *page.next_since;
    } else {
      done_ = true;
    }
    if (page.lines.empty()) {
      End(absl::OkStatus());
      return;
    }
    records_ += page.lines.size();
    chunk_.Clear();
    for (std::string& line : page.lines) chunk_.add_lines(std::move(line));
    StartWrite(&chunk_);
  }

  void End(const absl::Status& status) {
    LogAction(*context_, "ExportAudit", tenant_, status,
              static_cast<int64_t>(records_));
    Finish(ToGrpcStatus(status));
  }

  AdminServiceImpl* const service_;
  grpc::CallbackServerContext* const context_;
  const std::string tenant_;
  absl::Time since_;
  const absl::Time until_;
  bool done_ = false;
  uint64_t records_ = 0;
  v1::ExportAuditChunk chunk_;
};

grpc::ServerWriteReactor<v1::ExportAuditChunk>* AdminServiceImpl::ExportAudit(
    grpc::CallbackServerContext* context,
    const v1::ExportAuditRequest* request) {
  auto* reactor = new ExportReactor(this, context, *request);
  reactor->Start();
  return reactor;
}

}  // namespace dnc::service
