// A ctgd with TLS and real tokens, and a small registry made through the API: the Caf, two
// EPCI, a commune and a partner; CTG "test-ctg" (porteur kEpci, member kCommune, partner
// kPartnerOrg, followed by CDT "cdt-1") and CTG "other-ctg" (porteur kOtherEpci, no CDT);
// a person registered by kEpci and one by kOtherEpci; on each CTG, a post of its porteur
// ("test-post", "other-post"), a recruitment of it just opened ("test-recruitment",
// "other-recruitment") and a replacement on it requested for that person ("test-replacement",
// "other-replacement").
#ifndef CTG_TESTS_SERVICES_SERVER_REGISTRY_FIXTURE_H_
#define CTG_TESTS_SERVICES_SERVER_REGISTRY_FIXTURE_H_

#include <memory>
#include <string>

#include "ctg/v1/admin.grpc.pb.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "ctg/v1/persons.grpc.pb.h"
#include "ctg/v1/plans.grpc.pb.h"
#include "ctg/v1/staffing.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/services/server/ctgd_harness.h"
#include "tests/testing/temp_dir.h"

namespace ctg::testing {

class RegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  static platform::Principal Admin() {
    return Person("admin-1", kCaf, platform::Role::kCafAdmin);
  }
  // The caf_admin's context.
  static std::unique_ptr<grpc::ClientContext> AdminContext() { return server_->Context(Admin()); }

  static v1::Ctg MakeCtg(const std::string& title, const std::string& porteur);
  static google::type::Date Date(int year, int month, int day);

  static TempDir* dir_;
  static CtgdProcess* server_;
  static std::unique_ptr<v1::PartnersService::Stub> partners_;
  static std::unique_ptr<v1::PlansService::Stub> plans_;
  static std::unique_ptr<v1::AuditService::Stub> audit_;
  static std::unique_ptr<v1::AdminService::Stub> admin_;
  static std::unique_ptr<v1::PersonsService::Stub> persons_;
  static std::unique_ptr<v1::StaffingService::Stub> staffing_;
  // Persons registered by kEpci and by kOtherEpci (`persons/{id}`).
  static std::string own_person_;
  static std::string other_person_;
};

}  // namespace ctg::testing

#endif  // CTG_TESTS_SERVICES_SERVER_REGISTRY_FIXTURE_H_
