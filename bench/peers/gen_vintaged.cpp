// Writes the vintaged workload of issue 13 (bench/peers/vintaged_workload.hpp) as a long CSV
// (indicator,period,vintage,value), rows in release order, and prints its shape.
//
// usage: gen_vintaged SIZE|--regions N OUT.csv
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/peers/vintaged_workload.hpp"

int main(int argc, char** argv) {
  using namespace ixdb::bench;
  WorkloadSpec spec;
  int arg = 2;
  if (argc == 4 && std::string(argv[1]) == "--regions") {
    spec.regions = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10));
    arg = 3;
  } else if (argc != 3 || !SpecForSize(argv[1], &spec)) {
    std::fprintf(stderr, "usage: gen_vintaged SIZE|--regions N OUT.csv\n  SIZE: %s\n", SizeNames());
    return 2;
  }
  const VintagedWorkload workload(spec);
  std::string error;
  const uint64_t rows = workload.WriteCsv(argv[arg], &error);
  if (rows == 0) {
    std::fprintf(stderr, "gen_vintaged: %s\n", error.c_str());
    return 1;
  }
  std::printf("%s: %llu rows, %zu series, %d vintages (%s .. %s)\n", argv[arg],
              static_cast<unsigned long long>(rows), workload.series().size(), spec.vintages,
              workload.VintageDate(0).c_str(), workload.VintageDate(spec.vintages - 1).c_str());
  return 0;
}
