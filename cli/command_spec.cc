#include "cli/command_spec.h"

namespace arrs::cli {

std::string Example(const std::string& lines) { return "\nExample:\n" + lines; }

CLI::App* AddGroup(CLI::App& app, const std::string& name, const std::string& help) {
  CLI::App* group = app.add_subcommand(name, help);
  group->require_subcommand(1);
  return group;
}

void AddOption(CLI::App* command, const std::string& name, bool& flag, const std::string& help,
               ArgNeed) {
  command->add_flag(name, flag, help);
}

}  // namespace arrs::cli
