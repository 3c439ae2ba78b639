// tandem gc: retention of old runs, then the artifact sweep (store/gc.h), on the server.
#include <iostream>
#include <memory>

#include "cli/command_groups.h"
#include "cli/commands.h"

namespace tandem::cli {
namespace {

struct GcOpts {
  int keep_runs_days = -1;  // -1 = the server's setting
  int grace_minutes = -1;
  bool dry_run = false;
  bool verify = false;
  bool quarantine = false;
};

// --verify: every artifact whose file no longer hashes to its digest; exit 1 if any.
int Verify(const ApiClient& api, const GcOpts& o) {
  auto r = api.Post("/api/v1/gc", Json({{"verify", true}, {"quarantine", o.quarantine}}).dump());
  if (!r.ok()) return Fail(r.status());
  const Json& bad = (*r)["mismatched"];
  for (const auto& m : bad) {
    std::cout << "MISMATCH " << m["digest"].get<std::string>() << " " << m["path"].get<std::string>()
              << " now hashes to " << m["actual"].get<std::string>();
    if (!m["moved_to"].get<std::string>().empty()) {
      std::cout << " (quarantined to " << m["moved_to"].get<std::string>() << ")";
    }
    std::cout << "\n";
  }
  std::cout << bad.size() << " artifact(s) no longer match their digest\n";
  return bad.empty() ? 0 : 1;
}

int Gc(const ApiClient& api, const GcOpts& o) {
  if (o.verify) return Verify(api, o);
  Json body = {{"dry_run", o.dry_run}};
  if (o.keep_runs_days >= 0) body["keep_runs_days"] = o.keep_runs_days;
  if (o.grace_minutes >= 0) body["grace_minutes"] = o.grace_minutes;
  auto r = api.Post("/api/v1/gc", body.dump());
  if (!r.ok()) return Fail(r.status());
  const auto& deleted = (*r)["runs_deleted"];
  std::cout << (o.dry_run ? "would delete " : "deleted ") << deleted.size() << " runs";
  for (const auto& id : deleted) std::cout << " " << id.get<std::string>();
  std::cout << "\nkept " << (*r)["runs_kept"].size() << " old runs that a model or dataset refers to\n";
  if (!o.dry_run) {
    std::cout << "removed " << (*r)["artifacts_removed"] << " unreferenced artifacts ("
              << (*r)["bytes_freed"].get<int64_t>() / 1000 << " kB) and " << (*r)["stray_files"]
              << " stray files\n";
  }
  return 0;
}

}  // namespace

void AddGcCommands(CLI::App& app, CliContext& ctx) {
  auto o = std::make_shared<GcOpts>();
  auto* gc = app.add_subcommand("gc", "Delete old runs (gc.keep_runs_days) and artifacts nothing refers to");
  gc->add_option("--keep-runs-days", o->keep_runs_days, "Delete finished runs older than N days (0 = none) [server's gc setting]");
  gc->add_option("--grace-minutes", o->grace_minutes, "Spare artifacts written in the last N minutes [server's, 60]");
  gc->add_flag("--dry-run", o->dry_run, "List the runs that would go; delete nothing");
  gc->add_flag("--verify", o->verify, "Only re-hash every artifact and list those whose content changed on disk (exit 1 if any)");
  gc->add_flag("--quarantine", o->quarantine, "With --verify: move mismatching files to artifacts/quarantine/")
      ->needs(gc->get_option("--verify"));
  gc->callback([&ctx, o] { ctx.exit_code = Gc(ctx.Api(), *o); });
}

}  // namespace tandem::cli
