// dnc-sample: writes a sample national registry dump (FTC flat layout, zipped)
// and a lead list (CSV) for the demo and for trying the tools by hand.
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "common/command_line.h"
#include "demo/sample_data.h"

ABSL_FLAG(std::string, out_dir, "",
          "Directory to write into (created if missing).");
ABSL_FLAG(uint64_t, registry_numbers, 1'000'000,
          "Numbers in the registry dump.");
ABSL_FLAG(uint64_t, leads, 100'000, "Rows in the lead list.");
ABSL_FLAG(uint64_t, seed, 20261122,
          "Seed: the same seed writes the same files.");

int main(int argc, char** argv) {
  const dnc::CommandLineSpec spec{
      "dnc-sample",
      "Writes a sample registry dump and lead list in the official formats.\n"
      "\n"
      "  dnc-sample --out_dir DIR [--registry_numbers N] [--leads N] [--seed "
      "S]\n"
      "\n"
      "Writes DIR/ftc-flat-sample.zip (one member per area code, lines\n"
      "'NPA,NXXXXXX', plus a member with five bad lines a loader must reject)\n"
      "and DIR/leads.csv (id,first_name,last_name,phone,email,city with messy\n"
      "number formats, invalid and malformed numbers, and +44 numbers).",
      "sample_main.cc"};
  if (!dnc::ParseCommandLineOrExit(argc, argv, spec).empty()) {
    dnc::ExitWithUsageError(spec, "takes no positional arguments");
  }
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  if (out_dir.empty()) {
    dnc::ExitWithUsageError(spec, "--out_dir is required");
  }
  mkdir(out_dir.c_str(), 0755);
  dnc::demo::SampleOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.registry_numbers = absl::GetFlag(FLAGS_registry_numbers);
  options.leads = absl::GetFlag(FLAGS_leads);
  const dnc::demo::SampleRegistry registry =
      dnc::demo::GenerateRegistry(options);
  const std::string zip_path = out_dir + "/ftc-flat-sample.zip";
  const std::string csv_path = out_dir + "/leads.csv";
  absl::Status status = dnc::demo::WriteFtcFlatZip(registry, zip_path);
  if (status.ok()) {
    status = dnc::demo::WriteLeadsCsv(
        dnc::demo::GenerateLeads(registry, options), csv_path);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "dnc-sample: %s\n", status.ToString().c_str());
    return 1;
  }
  std::printf("wrote %s (%zu numbers + %zu bad lines)\nwrote %s (%llu rows)\n",
              zip_path.c_str(), registry.numbers.size(),
              registry.bad_lines.size(), csv_path.c_str(),
              static_cast<unsigned long long>(options.leads));
  return 0;
}
