// The one mapping between the admin values (tenant_admin.h,
// tenant/records.h) and the dnc.v1 AdminService messages
// (proto/dnc/v1/admin.proto), both ways: the server fills answers and reads
// requests with it (service/admin_service.cc), the remote admin does the
// reverse (remote_tenant_admin.cc). Purposes keep their numbers
// (policy::Purpose and dnc.v1.CallPurpose agree); times travel as Unix
// microseconds, so a time read back is the time stored.
// Thread-safety: thread-safe (pure functions).
#ifndef DNC_ADMIN_ADMIN_PROTO_MAPPING_H_
#define DNC_ADMIN_ADMIN_PROTO_MAPPING_H_

#include <string_view>

#include "admin/tenant_admin.h"
#include "dnc/v1/admin.pb.h"
#include "tenant/records.h"

namespace dnc::admin {

void ToProto(const tenant::Entitlement& entitlement, v1::Entitlement* out);
tenant::Entitlement FromProto(const v1::Entitlement& entitlement);

void ToProto(const TenantView& view, v1::AdminTenant* out);
TenantView FromProto(const v1::AdminTenant& tenant);

// CreateTenant's request: the configuration and the first key's label.
void ToProto(const tenant::TenantConfig& config, std::string_view key_label,
             v1::CreateTenantRequest* out);
// PURPOSE_UNSPECIFIED reads as commercial.
tenant::TenantConfig FromProto(const v1::CreateTenantRequest& request);

void ToProto(std::string_view name, const TenantUpdate& update,
             v1::UpdateTenantRequest* out);
TenantUpdate FromProto(const v1::UpdateTenantRequest& request);

// The configuration part of an AdminTenant.
tenant::TenantConfig ConfigOf(const v1::AdminTenant& tenant);

}  // namespace dnc::admin

#endif  // DNC_ADMIN_ADMIN_PROTO_MAPPING_H_
