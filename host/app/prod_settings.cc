#include "host/app/prod_settings.h"
#include "host/common/strings.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace pyfn {
namespace {

const std::string* Get(const Environment& env, const char* name) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return nullptr;
  return &it->second;
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

Status IntEnv(const Environment& env, const char* name, long long lo, long long hi,
              long long* out) {
  const std::string* v = Get(env, name);
  if (!v) return Status::OK();
  errno = 0;
  char* end = nullptr;
  long long x = std::strtoll(v->c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || x < lo || x > hi)
    return Status::InvalidArgument(std::string("setting ") + name + "='" + *v +
                                   "' is not an integer in [" + std::to_string(lo) + ", " +
                                   std::to_string(hi) + "]");
  *out = x;
  return Status::OK();
}

Status BoolText(const std::string& what, const std::string& v, bool* out) {
  std::string l = AsciiLower(Trim(v));
  if (l == "true" || l == "1") *out = true;
  else if (l == "false" || l == "0") *out = false;
  else return Status::InvalidArgument(what + "='" + v + "' is not true or false");
  return Status::OK();
}

Status Seconds(const Environment& env, const char* name, long long lo, long long hi,
               std::chrono::seconds* out) {
  long long v = out->count();
  Status s = IntEnv(env, name, lo, hi, &v);
  if (s.ok()) *out = std::chrono::seconds(v);
  return s;
}

Status HttpLimit(const nlohmann::json& http, const char* name, int* out) {
  auto it = http.find(name);
  if (it == http.end() || it->is_null()) return Status::OK();
  if (!it->is_number_integer() || it->get<long long>() < -1 ||
      it->get<long long>() > 1000000)
    return Status::InvalidArgument(std::string("host.json extensions.http.") + name +
                                   " is not an integer >= -1");
  *out = static_cast<int>(it->get<long long>());
  if (*out == 0) *out = -1;  // Azure treats 0 like "no limit" too
  return Status::OK();
}

}  // namespace

std::vector<std::string> ParseOriginList(const std::string& text) {
  std::vector<std::string> out;
  std::string t = Trim(text);
  if (!t.empty() && t[0] == '[') {
    nlohmann::json j = nlohmann::json::parse(t, nullptr, false);
    if (j.is_array()) {
      for (const auto& e : j)
        if (e.is_string() && !Trim(e.get<std::string>()).empty())
          out.push_back(Trim(e.get<std::string>()));
      return out;
    }
  }
  size_t start = 0;
  while (start <= t.size()) {
    size_t comma = t.find(',', start);
    if (comma == std::string::npos) comma = t.size();
    std::string o = Trim(t.substr(start, comma - start));
    if (!o.empty()) out.push_back(o);
    start = comma + 1;
  }
  return out;
}

Status ResolveProdSettings(const Environment& env, const LocalSettings& local,
                           const HostConfig& config, ProdSettings* out) {
  Status s;
  if (const std::string* t = Get(env, "AzureWebJobsSecretStorageType")) {
    std::string l = AsciiLower(*t);
    if (l != "files" && l != "memory" && l != "blob")
      return Status::InvalidArgument("AzureWebJobsSecretStorageType='" + *t +
                                     "' is not supported (files, blob or memory)");
    out->secret_storage_type = l;
  } else if (const std::string* sas = Get(env, "AzureWebJobsSecretStorageSas");
             sas != nullptr && !sas->empty()) {
    out->secret_storage_type = "blob";  // as Azure: a secrets SAS URI means blob storage
  }
  if (const std::string* p = Get(env, "AzureWebJobsSecretStoragePath")) out->secrets_path = *p;
  else if (const std::string* p2 = Get(env, "FUNCTIONS_SECRETS_PATH")) out->secrets_path = *p2;
  if (const std::string* k = Get(env, "PYFN_MASTER_KEY")) out->master_key = *k;
  if (const std::string* k = Get(env, "PYFN_FUNCTION_KEY")) out->function_key = *k;
  for (const std::string* k : {&out->master_key, &out->function_key})
    if (!k->empty() && k->size() < 16)
      return Status::InvalidArgument(std::string(k == &out->master_key ? "PYFN_MASTER_KEY"
                                                                       : "PYFN_FUNCTION_KEY") +
                                     " is shorter than 16 characters");

  // CORS: the environment (containers) wins over local.settings.json.
  if (const std::string* o = Get(env, "CORS_ALLOWED_ORIGINS")) {
    out->cors_origins = ParseOriginList(*o);
  } else {
    auto c = local.host.find("CORS");
    if (c != local.host.end() && c->is_string()) out->cors_origins = ParseOriginList(c->get<std::string>());
  }
  if (const std::string* c = Get(env, "CORS_SUPPORT_CREDENTIALS")) {
    s = BoolText("CORS_SUPPORT_CREDENTIALS", *c, &out->cors_credentials);
    if (!s.ok()) return s;
  } else {
    auto c2 = local.host.find("CORSCredentials");
    if (c2 != local.host.end()) {
      if (c2->is_boolean()) out->cors_credentials = c2->get<bool>();
      else if (c2->is_string()) {
        s = BoolText("local.settings.json Host.CORSCredentials", c2->get<std::string>(),
                     &out->cors_credentials);
        if (!s.ok()) return s;
      }
    }
  }

  long long v = out->max_header_bytes;
  s = IntEnv(env, "PYFN_MAX_REQUEST_HEADERS_SIZE", 1024, 1024 * 1024, &v);
  if (!s.ok()) return s;
  out->max_header_bytes = static_cast<uint32_t>(v);
  v = out->max_header_count;
  s = IntEnv(env, "PYFN_MAX_REQUEST_HEADER_COUNT", 1, 10000, &v);
  if (!s.ok()) return s;
  out->max_header_count = static_cast<uint32_t>(v);
  for (auto& t : {std::make_pair("PYFN_REQUEST_HEADERS_TIMEOUT", &out->headers_timeout),
                  std::make_pair("PYFN_REQUEST_BODY_TIMEOUT", &out->body_timeout),
                  std::make_pair("PYFN_KEEPALIVE_TIMEOUT", &out->keepalive_timeout)}) {
    s = Seconds(env, t.first, 1, 3600, t.second);
    if (!s.ok()) return s;
  }

  auto ext = config.raw.find("extensions");
  if (ext != config.raw.end() && ext->is_object()) {
    auto http = ext->find("http");
    if (http != ext->end() && http->is_object()) {
      s = HttpLimit(*http, "maxConcurrentRequests", &out->max_concurrent_requests);
      if (!s.ok()) return s;
      s = HttpLimit(*http, "maxOutstandingRequests", &out->max_outstanding_requests);
      if (!s.ok()) return s;
      auto d = http->find("dynamicThrottlesEnabled");
      if (d != http->end() && d->is_boolean()) out->dynamic_throttles = d->get<bool>();
    }
  }

  v = out->metrics_port;
  s = IntEnv(env, "PYFN_METRICS_PORT", 0, 65535, &v);
  if (!s.ok()) return s;
  out->metrics_port = static_cast<int>(v);
  if (const std::string* f = Get(env, "PYFN_LOG_FORMAT")) {
    std::string l = AsciiLower(*f);
    if (l != "text" && l != "json")
      return Status::InvalidArgument("PYFN_LOG_FORMAT='" + *f + "' is not text or json");
    out->log_format = l;
  }
  return Status::OK();
}

std::string ProdHelpText() {
  return R"(
Keys (authLevel function/admin; x-functions-key header or code query parameter):
  AzureWebJobsSecretStorageType     files (default), blob or memory. blob: Azure's layout in
                                    container azure-webjobs-secrets of AzureWebJobsStorage
                                    (<slot>/host.json, <slot>/<function>.json; <slot> is
                                    WEBSITE_SITE_NAME[-WEBSITE_SLOT_NAME], else the host id),
                                    shared by every host of the app; the host does not start
                                    when it cannot read or create them
  AzureWebJobsSecretStorageSas      a container SAS URI for the blob secrets (wins over
                                    AzureWebJobsStorage; setting it alone means blob)
  AzureWebJobsSecretStoragePath     secrets directory (Azure's host.json + <function>.json,
                                    mode 0600); also FUNCTIONS_SECRETS_PATH. Default:
                                    $HOME/data/Functions/secrets when the script root is
                                    $HOME/site/wwwroot (Azure's layout), else keys are kept
                                    in memory and regenerated at every start
  PYFN_MASTER_KEY                   the master key (admin level and the key admin API)
  PYFN_FUNCTION_KEY                 the host key "default" (any function-level function)

CORS (spec P4):
  CORS_ALLOWED_ORIGINS              allowed origins, "*" or a list ("a,b" or JSON ["a","b"]);
                                    else local.settings.json Host.CORS
  CORS_SUPPORT_CREDENTIALS          true/false; else local.settings.json Host.CORSCredentials

Limits (over them: 413 body, 431 headers, 408 slow request, 429 throttled):
  PYFN_MAX_REQUEST_HEADERS_SIZE     bytes of the header block (default 32768)
  PYFN_MAX_REQUEST_HEADER_COUNT     header fields (default 100)
  PYFN_REQUEST_HEADERS_TIMEOUT      seconds from a request's first byte to its last header
                                    byte (default 30)
  PYFN_REQUEST_BODY_TIMEOUT         seconds a request body may stall (default 30)
  PYFN_KEEPALIVE_TIMEOUT            seconds an idle keep-alive connection stays open (120)
  host.json extensions.http.maxConcurrentRequests / maxOutstandingRequests
                                    HTTP invocations running at once / running plus queued
                                    (default -1, unbounded); dynamicThrottlesEnabled is
                                    accepted and has no effect (logged)

Health and metrics:
  GET /admin/health/live            200 while the process serves HTTP
  GET /admin/health/ready           200 when Running with a ready worker, else 503
  GET /admin/metrics                Prometheus text; needs the master key
  PYFN_METRICS_PORT                 also serve /metrics on this port without a key (0: off)
  PYFN_LOG_FORMAT                   text (default) or json (one JSON object per line)

OpenTelemetry (traces over OTLP/HTTP, JSON encoding; docs/settings.md):
  host.json telemetryMode           OpenTelemetry: trace (default endpoint localhost:4318)
  OTEL_EXPORTER_OTLP_ENDPOINT       collector base URL (spans to <url>/v1/traces); turns
                                    tracing on; _TRACES_ENDPOINT: the full URL
  OTEL_EXPORTER_OTLP_HEADERS        key=value,... sent with each export (_TRACES_HEADERS too)
  OTEL_EXPORTER_OTLP_TIMEOUT        ms per export request (default 10000)
  OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES   the resource
  OTEL_TRACES_SAMPLER(_ARG)         parentbased_always_on (default), always_on, always_off,
                                    traceidratio, parentbased_traceidratio, ...
  OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
  OTEL_BSP_EXPORT_TIMEOUT           batching (2048 spans, 5000 ms, 512, 30000 ms)
  OTEL_SDK_DISABLED=true, OTEL_TRACES_EXPORTER=none   tracing off
)";
}

}  // namespace pyfn
