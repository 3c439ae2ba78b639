#pragma once
// Host and Origin checks for the API server (ServerOptions::check_origin): no socket
// here, so every rule is testable as a function. Until requests carry tokens these are
// what keep a browser page from driving a server on loopback:
// - Host: a DNS-rebinding page reaches us under its own name (evil.example:8080), so a
//   Host that is not our listen host, localhost, an IP address or a configured name, with
//   our port, is refused.
// - Origin: a cross-origin page's POST carries its own origin; a mutating request whose
//   Origin is not the one it was sent to (http://<its Host>) nor a configured one is
//   refused. Requests without Origin (curl, the CLI, other servers) are not browsers.
#include <string>
#include <vector>

namespace tandem::http {

struct OriginPolicy {
  std::string listen_host;                   // as configured: "127.0.0.1", "0.0.0.0", a name
  int port = 0;                              // the bound port
  std::vector<std::string> allowed_hosts;    // "name" (with our port) or "name:port"
  std::vector<std::string> allowed_origins;  // "https://ui.example.org" (exact)
};

// "" when the request may proceed, else why not (the 403 message). `host` / `origin`
// are the header values, nullptr when absent. Methods other than POST, PUT, PATCH and
// DELETE get the Host check only.
std::string CheckOrigin(const OriginPolicy& policy, const std::string& method,
                        const std::string* host, const std::string* origin);

}  // namespace tandem::http
