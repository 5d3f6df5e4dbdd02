#include "host/http/home_page.h"

#include <string>

#include "host/common/strings.h"

namespace pyfn {

HttpResponse HomePage(bool disabled, const FunctionSet* listed, int port) {
  if (disabled) return EmptyResponse(204);
  HttpResponse r;
  r.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
  r.body =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>pyfn: the app is up</title>"
      "</head>\n<body>\n<h1>Your function app is up and running</h1>\n"
      "<p>Served by pyfn-host " PYFN_VERSION ". Functions answer under their routes; "
      "<code>/admin/host/status</code> tells the host's state.</p>\n";
  if (listed) {
    std::string items;
    for (const auto& f : listed->functions) {
      const BindingSpec* t = f.trigger();
      if (f.disabled || t == nullptr || AsciiLower(t->type) != "httptrigger") continue;
      items += "<li>" + HtmlEscape(f.name) + ": <code>" +
               HtmlEscape(f.Describe(port, listed->route_prefix)) + "</code></li>\n";
    }
    if (!items.empty()) r.body += "<h2>HTTP functions</h2>\n<ul>\n" + items + "</ul>\n";
  }
  r.body += "</body></html>\n";
  return r;
}

}  // namespace pyfn
