// GET / when no function has that route: a page saying the app is up (Azure's
// homepage), or 204 with AzureWebJobsDisableHomepage=true (`disabled`).
// `listed` (while developing: file watching on) adds the enabled HTTP
// functions with their URLs on `port`; null for a deployed app, which does
// not show its routes to anyone.
#ifndef PYFN_HOST_HTTP_HOME_PAGE_H_
#define PYFN_HOST_HTTP_HOME_PAGE_H_

#include "host/app/function_registry.h"
#include "host/http/http_message.h"

namespace pyfn {

HttpResponse HomePage(bool disabled, const FunctionSet* listed, int port);

}  // namespace pyfn

#endif  // PYFN_HOST_HTTP_HOME_PAGE_H_
