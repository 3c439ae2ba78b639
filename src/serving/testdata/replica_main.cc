// A replica process for tests: `serving_test_replica --name N --version V
// --model-file F --meta-file M [--host H] [--port P] [--port-file PF]`, the same
// flags and behaviour as `tandem replica`.
#include <iostream>
#include <string>
#include <vector>

#include "serving/replica.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = tandem::serving::ParseReplicaArgs(args);
  if (!options.ok()) {
    std::cerr << "replica: " << options.status().message() << "\n";
    return 2;
  }
  tandem::Status st = tandem::serving::RunReplica(*options);
  if (!st.ok()) {
    std::cerr << "replica: " << st.message() << "\n";
    return 1;
  }
  return 0;
}
