// Calls the server from Python with Debian's python3-grpcio (a second language's client):
// health, reflection, an authenticated query, UNAUTHENTICATED and INVALID_ARGUMENT.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/services/server_fixture.h"

namespace arrs::testing_support {
namespace {

class PythonClientTest : public ServerFixture {
 protected:
  void SetUp() override {
    server_options_.reflection = true;  // the client lists the services by reflection
    ServerFixture::SetUp();
  }
};

TEST_F(PythonClientTest, StockPythonGrpcClientCanDiscoverAndCallTheServer) {
  RegisterTwoPcns();
  const std::string command = absl::StrCat(
      "/usr/bin/python3 ", ARRS_SOURCE_DIR, "/tests/services/python_client.py 127.0.0.1:",
      server_->port(), " ", kAdmin, " ", ARRS_SOURCE_DIR, "/proto");
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the Python client's checks failed (see output)";
}

}  // namespace
}  // namespace arrs::testing_support
