// For cgroup_launch_test: allocates and touches argv[1] MiB, one MiB at a time, then
// prints "allocated N MiB". Under a smaller memory limit the kernel kills it midway.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MIB\n", argv[0]);
    return 2;
  }
  long mib = std::atol(argv[1]);
  std::vector<char*> blocks;
  long sum = 0;
  for (long i = 0; i < mib; ++i) {
    char* block = static_cast<char*>(std::malloc(1 << 20));
    if (block == nullptr) return 3;
    std::memset(block, 1, 1 << 20);  // touched, so really resident
    blocks.push_back(block);
    sum += block[i % (1 << 20)];     // read back, so no compiler drops the memory
  }
  std::printf("allocated %ld MiB\n", sum);
  for (char* block : blocks) std::free(block);
  return 0;
}
