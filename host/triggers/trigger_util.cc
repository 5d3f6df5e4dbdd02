#include "host/triggers/trigger_util.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "host/app/app_loader.h"
#include "host/common/text_encoding.h"
#include "host/storage/binding_expression.h"
#include "host/storage/encoding.h"

namespace pyfn {

bool Waker::WaitFor(std::chrono::milliseconds d) {
  pyfn::MutexLock l(mu_);
  cv_.wait_for(l, d, [&]() PYFN_REQUIRES(mu_) { return woken_ || stopped_; });
  woken_ = false;
  return !stopped_;
}

void Waker::Wake() {
  pyfn::MutexLock l(mu_);
  woken_ = true;
  cv_.notify_all();
}

void Waker::Stop() {
  pyfn::MutexLock l(mu_);
  stopped_ = true;
  cv_.notify_all();
}

bool Waker::stopped() const {
  pyfn::MutexLock l(mu_);
  return stopped_;
}

std::optional<InvocationOutcome> InvokeAndWait(Invoker* invoker, InvocationInput input,
                                               const std::shared_ptr<Waker>& waker) {
  struct Slot {
    pyfn::Mutex mu;
    pyfn::CondVar cv;
    std::optional<InvocationOutcome> out PYFN_GUARDED_BY(mu);
  };
  auto slot = std::make_shared<Slot>();
  invoker->Invoke(std::move(input), [slot](InvocationOutcome o) {
    pyfn::MutexLock l(slot->mu);
    slot->out = std::move(o);
    slot->cv.notify_all();
  });
  pyfn::MutexLock l(slot->mu);
  while (!slot->out) {
    slot->cv.wait_for(l, std::chrono::milliseconds(100));
    if (!slot->out && waker->stopped()) return std::nullopt;
  }
  return std::move(slot->out);
}

std::string AzureTime(int64_t unix_seconds) {
  return storage::FormatDateTime(unix_seconds * 1000, "yyyy-MM-ddTHH:mm:ss") + ".0000000+00:00";
}

std::string AzureLocalTime(int64_t unix_seconds, const storage::TimeZone& tz) {
  int off = tz.OffsetAt(unix_seconds);
  char buf[16];
  int a = off < 0 ? -off : off;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
  return storage::FormatDateTime((unix_seconds + off) * 1000, "yyyy-MM-ddTHH:mm:ss") +
         ".0000000" + buf;
}

bool ParseAzureTime(const std::string& text, int64_t* unix_seconds) {
  int y, mo, d, h, mi, s;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
    return false;
  size_t i = 19;
  while (i < text.size() && (text[i] == '.' || std::isdigit(static_cast<unsigned char>(text[i]))))
    ++i;
  int64_t off = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(text.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return false;
    off = (oh * 3600 + om * 60) * (text[i] == '-' ? -1 : 1);
  } else if (i < text.size() && text[i] != 'Z') {
    return false;
  }
  int64_t days = storage::DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  *unix_seconds = days * 86400 + h * 3600 + mi * 60 + s - off;
  return true;
}

rpc::TypedData StringData(const std::string& s) {
  rpc::TypedData d;
  d.set_string(ToValidUtf8(s));
  return d;
}

rpc::TypedData JsonData(const nlohmann::json& j) {
  rpc::TypedData d;
  d.set_json(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return d;
}

rpc::TypedData SysMetadata(const std::string& function_name) {
  return JsonData({{"MethodName", function_name},
                   {"UtcNow", AzureTime(std::time(nullptr))},
                   {"RandGuid", storage::NewGuid()}});
}

std::string FunctionFullName(const std::string& function_name) {
  return "Host.Functions." + function_name;
}

}  // namespace pyfn
