// The composition root on a real store and vault: every module's services are served under
// their names, every RPC of them has an input type of its own (the pipeline takes the method
// from it), and every context's streams belong to a category of the one catalog.
#include "services/server/modules.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>

#include <memory>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/api/pipeline.h"
#include "services/partners/aggregate.h"
#include "services/persons/aggregate.h"
#include "services/plans/aggregate.h"
#include "services/platform/vault.h"
#include "services/staffing/aggregate.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::server {
namespace {

using ::testing::UnorderedElementsAre;

class ModulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, eventstore::EventStore::Open(dir_.Sub("log"), {}));
    ASSERT_OK_AND_ASSIGN(vault_, platform::KeyVault::Open(dir_.Sub("vault"), {}));
    ASSERT_OK_AND_ASSIGN(modules_, Modules::Compose(*store_, *vault_, dir_.Sub("backups")));
  }

  testing::TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<platform::KeyVault> vault_;
  std::unique_ptr<Modules> modules_;
};

TEST_F(ModulesTest, ServesEveryServiceOfTheApiUnderItsName) {
  std::vector<std::string> names;
  for (const api::Module::Service& service : modules_->Services()) {
    EXPECT_NE(service.service, nullptr) << service.name;
    names.push_back(service.name);
  }
  EXPECT_THAT(names, UnorderedElementsAre("ctg.v1.PartnersService", "ctg.v1.PlansService",
                                          "ctg.v1.PersonsService", "ctg.v1.StaffingService",
                                          "ctg.v1.AuditService", "ctg.v1.AdminService"));
}

TEST_F(ModulesTest, EveryRpcIsFoundFromItsRequestType) {
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  google::protobuf::DynamicMessageFactory factory(pool);
  std::set<const google::protobuf::Descriptor*> inputs;
  int methods = 0;
  for (const api::Module::Service& service : modules_->Services()) {
    const google::protobuf::ServiceDescriptor* descriptor = pool->FindServiceByName(service.name);
    ASSERT_NE(descriptor, nullptr) << service.name;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = descriptor->method(i);
      ++methods;
      EXPECT_TRUE(inputs.insert(method->input_type()).second)
          << method->full_name() << " shares its request type with another RPC";
      const google::protobuf::Message* request =
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(method->input_type());
      ASSERT_NE(request, nullptr) << method->full_name();
      EXPECT_EQ(api::MethodOf(*request), "/" + descriptor->full_name() + "/" + method->name());
    }
  }
  EXPECT_GT(methods, 50);
}

TEST_F(ModulesTest, EveryContextsStreamsBelongToACategory) {
  const platform::StreamCatalog& streams = modules_->streams();
  for (absl::string_view prefix :
       {partners::OrganisationAggregate::kStreamPrefix, plans::CtgAggregate::kStreamPrefix,
        persons::PersonAggregate::kStreamPrefix, staffing::PostAggregate::kStreamPrefix,
        staffing::RecruitmentAggregate::kStreamPrefix,
        staffing::ReplacementAggregate::kStreamPrefix}) {
    const std::string stream = std::string(prefix) + "x";
    const platform::StreamCategory* category = streams.Find(stream);
    ASSERT_NE(category, nullptr) << stream;
    EXPECT_EQ(category->prefix, prefix);
  }
  EXPECT_EQ(streams.Find("system-1"), nullptr);
  EXPECT_EQ(streams.AccessOf("system-1").permission, platform::Permission::kReadLog);
  // Streams of a CTG that does not exist are read as a CTG nobody takes part in.
  const platform::StreamAccess post = streams.AccessOf("post-nowhere");
  EXPECT_EQ(post.permission, platform::Permission::kReadCtg);
  ASSERT_TRUE(post.ctg.has_value());
  EXPECT_TRUE(post.ctg->collectivites.empty());
  EXPECT_EQ(streams.AccessOf("person-nobody").permission, platform::Permission::kReadPerson);
  EXPECT_EQ(streams.AccessOf("org-900000002").permission, platform::Permission::kReadRegistry);
}

}  // namespace
}  // namespace ctg::server
