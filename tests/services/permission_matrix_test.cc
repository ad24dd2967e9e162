// The role x RPC matrix against the plain (insecure, loopback) test server; see
// tests/services/permission_matrix.h. The same matrix runs with TLS and client
// certificates in tests/reliability/tls_permission_matrix_test.cc.
#include <gtest/gtest.h>

#include "tests/services/permission_matrix.h"

namespace arrs::testing_support {
namespace {

class PermissionMatrixTest : public PermissionMatrixFixture {};

TEST_F(PermissionMatrixTest, EveryRoleAgainstEveryRpc) { CheckEveryRoleAgainstEveryRpc(); }

TEST_F(PermissionMatrixTest, PcnTokenCannotTouchAnotherPcnsStream) {
  CheckPcnTokenCannotTouchAnotherPcnsStream();
}

}  // namespace
}  // namespace arrs::testing_support
