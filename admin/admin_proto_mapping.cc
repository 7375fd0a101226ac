#include "admin/admin_proto_mapping.h"

#include <string>

#include "absl/time/time.h"

namespace dnc::admin {
namespace {

static_assert(static_cast<int>(policy::Purpose::kCommercial) ==
                      v1::COMMERCIAL &&
                  static_cast<int>(policy::Purpose::kCharity) == v1::CHARITY &&
                  static_cast<int>(policy::Purpose::kPolitical) ==
                      v1::POLITICAL &&
                  static_cast<int>(policy::Purpose::kSurvey) == v1::SURVEY,
              "policy::Purpose and dnc.v1.CallPurpose must agree");

v1::CallPurpose PurposeToProto(policy::Purpose purpose) {
  return static_cast<v1::CallPurpose>(purpose);
}

// A number this build does not know reads as kUnspecified, which the store
// refuses as a default purpose (InvalidArgument).
policy::Purpose PurposeFromProto(int purpose) {
  if (purpose < v1::COMMERCIAL || purpose > v1::SURVEY) {
    return policy::Purpose::kUnspecified;
  }
  return static_cast<policy::Purpose>(purpose);
}

void LimitsToProto(const tenant::TenantLimits& limits, v1::TenantLimits* out) {
  out->set_requests_per_second(limits.requests_per_second);
  out->set_numbers_per_day(limits.numbers_per_day);
}

tenant::TenantLimits LimitsFromProto(const v1::TenantLimits& limits) {
  tenant::TenantLimits out;
  out.requests_per_second = limits.requests_per_second();
  out.numbers_per_day = limits.numbers_per_day();
  return out;
}

}  // namespace

void ToProto(const tenant::Entitlement& entitlement, v1::Entitlement* out) {
  out->set_source(entitlement.source);
  out->set_all_area_codes(entitlement.all_area_codes);
  for (uint32_t code : entitlement.area_codes) out->add_area_codes(code);
}

tenant::Entitlement FromProto(const v1::Entitlement& entitlement) {
  tenant::Entitlement out;
  out.source = entitlement.source();
  out.all_area_codes = entitlement.all_area_codes();
  out.area_codes.assign(entitlement.area_codes().begin(),
                        entitlement.area_codes().end());
  return out;
}

void ToProto(const TenantView& view, v1::AdminTenant* out) {
  out->set_tenant(view.config.name);
  out->set_default_purpose(PurposeToProto(view.config.default_purpose));
  for (const tenant::Entitlement& entitlement : view.config.entitlements) {
    ToProto(entitlement, out->add_entitlements());
  }
  LimitsToProto(view.config.limits, out->mutable_limits());
  for (const tenant::ApiKeyInfo& key : view.keys) {
    v1::ApiKeyLabel* label = out->add_keys();
    label->set_label(key.label);
    label->set_created_unix_micros(absl::ToUnixMicros(key.created));
    label->set_revoked(key.revoked);
    if (key.revoked) {
      label->set_revoked_unix_micros(absl::ToUnixMicros(key.revoked_at));
    }
  }
  out->set_opt_out_count(view.opt_out_count);
  out->set_consent_count(view.consent_count);
}

tenant::TenantConfig ConfigOf(const v1::AdminTenant& tenant) {
  tenant::TenantConfig config;
  config.name = tenant.tenant();
  config.default_purpose = PurposeFromProto(tenant.default_purpose());
  for (const v1::Entitlement& entitlement : tenant.entitlements()) {
    config.entitlements.push_back(FromProto(entitlement));
  }
  config.limits = LimitsFromProto(tenant.limits());
  return config;
}

TenantView FromProto(const v1::AdminTenant& tenant) {
  TenantView view;
  view.config = ConfigOf(tenant);
  for (const v1::ApiKeyLabel& label : tenant.keys()) {
    tenant::ApiKeyInfo key;
    key.label = label.label();
    key.created = absl::FromUnixMicros(label.created_unix_micros());
    key.revoked = label.revoked();
    if (key.revoked) {
      key.revoked_at = absl::FromUnixMicros(label.revoked_unix_micros());
    }
    view.keys.push_back(std::move(key));
  }
  view.opt_out_count = tenant.opt_out_count();
  view.consent_count = tenant.consent_count();
  return view;
}

void ToProto(const tenant::TenantConfig& config, std::string_view key_label,
             v1::CreateTenantRequest* out) {
  out->set_tenant(config.name);
  out->set_default_purpose(PurposeToProto(config.default_purpose));
  for (const tenant::Entitlement& entitlement : config.entitlements) {
    ToProto(entitlement, out->add_entitlements());
  }
  LimitsToProto(config.limits, out->mutable_limits());
  out->set_key_label(std::string(key_label));
}

tenant::TenantConfig FromProto(const v1::CreateTenantRequest& request) {
  tenant::TenantConfig config;
  config.name = request.tenant();
  config.default_purpose = request.default_purpose() == v1::PURPOSE_UNSPECIFIED
                               ? policy::Purpose::kCommercial
                               : PurposeFromProto(request.default_purpose());
  for (const v1::Entitlement& entitlement : request.entitlements()) {
    config.entitlements.push_back(FromProto(entitlement));
  }
  config.limits = LimitsFromProto(request.limits());
  return config;
}

void ToProto(std::string_view name, const TenantUpdate& update,
             v1::UpdateTenantRequest* out) {
  out->set_tenant(std::string(name));
  if (update.entitlements.has_value()) {
    v1::EntitlementList* list = out->mutable_entitlements();
    for (const tenant::Entitlement& entitlement : *update.entitlements) {
      ToProto(entitlement, list->add_entitlements());
    }
  }
  if (update.default_purpose.has_value()) {
    out->set_default_purpose(PurposeToProto(*update.default_purpose));
  }
  if (update.requests_per_second.has_value()) {
    out->set_requests_per_second(*update.requests_per_second);
  }
  if (update.numbers_per_day.has_value()) {
    out->set_numbers_per_day(*update.numbers_per_day);
  }
}

TenantUpdate FromProto(const v1::UpdateTenantRequest& request) {
  TenantUpdate update;
  if (request.has_entitlements()) {
    update.entitlements.emplace();
    for (const v1::Entitlement& entitlement :
         request.entitlements().entitlements()) {
      update.entitlements->push_back(FromProto(entitlement));
    }
  }
  if (request.has_default_purpose()) {
    update.default_purpose = PurposeFromProto(request.default_purpose());
  }
  if (request.has_requests_per_second()) {
    update.requests_per_second = request.requests_per_second();
  }
  if (request.has_numbers_per_day()) {
    update.numbers_per_day = request.numbers_per_day();
  }
  return update;
}

}  // namespace dnc::admin
