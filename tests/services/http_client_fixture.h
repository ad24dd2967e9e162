// A server fixture that also serves the JSON API on 127.0.0.1 and holds an HTTP client of
// it, for tests of the HTTP side of ServerFixture or of a fixture derived from it.
#ifndef ARRS_TESTS_SERVICES_HTTP_CLIENT_FIXTURE_H_
#define ARRS_TESTS_SERVICES_HTTP_CLIENT_FIXTURE_H_

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>

namespace arrs::testing_support {

// `Base`: ServerFixture or a fixture derived from it. A derived fixture may set more
// server options before calling SetUp.
template <typename Base>
class WithHttpClient : public Base {
 protected:
  void SetUp() override {
    this->server_options_.http_listen_address = "127.0.0.1:0";
    Base::SetUp();
    ASSERT_GT(this->server_->http_port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", this->server_->http_port());
    client_->set_read_timeout(30, 0);
  }
  void TearDown() override {
    client_.reset();
    Base::TearDown();
  }

  std::unique_ptr<httplib::Client> client_;
};

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_SERVICES_HTTP_CLIENT_FIXTURE_H_
