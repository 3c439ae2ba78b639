// The two response builders every handler uses.
#include "http/http.h"

namespace tandem::http {

Response ErrorResponse(const Status& status) {
  // An ok Status here is a caller bug; answering 500 beats a 200 with an "error" key.
  int code = status.ok() ? 500 : HttpStatusFor(status.code());
  return JsonResponse({{"error", status.ok() ? "error response built from an ok status"
                                             : status.message()}},
                      code);
}

Response JsonResponse(const Json& body, int status) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = DumpJson(body);
  return r;
}

Response FileResponse(const std::string& path, const std::string& content_type) {
  Response r;
  r.content_type = content_type;
  r.body_file = path;
  return r;
}

}  // namespace tandem::http
