// A replica process for tests: `serving_test_replica --name N --version V
// --model-file F --meta-file M [--host H] [--port P] [--port-file PF]`, the same
// flags and behaviour as `tandem replica` (both run ReplicaMain).
#include <string>
#include <vector>

#include "serving/replica.h"

int main(int argc, char** argv) {
  return tandem::serving::ReplicaMain(std::vector<std::string>(argv + 1, argv + argc));
}
