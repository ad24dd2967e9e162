// Registration of arrsctl subcommands from a description: a CommandSpec names the
// subcommand, its help, its options (each bound to a field of the command's options
// struct), its --help example and the action to run, so each command reads as one table
// entry rather than a run of CLI11 calls.
#ifndef ARRS_CLI_COMMAND_SPEC_H_
#define ARRS_CLI_COMMAND_SPEC_H_

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cli/context.h"

namespace arrs::cli {

// What an option asks of the command line beyond its name, field and help.
enum ArgNeed {
  kOptional,      // may be left out
  kRequired,      // must be given
  kShowDefault,   // may be left out; --help shows the default
  kExistingFile,  // must be given, and name a file that exists
};

// The field of `Options` an option fills; a bool field makes a flag.
template <typename Options>
using OptionField =
    std::variant<std::string Options::*, std::vector<std::string> Options::*, int Options::*,
                 int64_t Options::*, uint64_t Options::*, bool Options::*>;

// One option: "name" is positional, "--name" an option or flag.
template <typename Options>
struct OptionSpec {
  std::string name;
  OptionField<Options> field;
  std::string help;
  ArgNeed need = kOptional;
};

// One subcommand: its options in --help order, the lines after "Example:" in --help, and
// what it does once parsed.
template <typename Options>
struct CommandSpec {
  std::string name;
  std::string help;
  std::vector<OptionSpec<Options>> options;
  std::string example;
  std::function<int(Context&, const Options&)> run;
};

// The positional PCN ODS code most commands start with.
template <typename Options>
OptionSpec<Options> PcnArg(std::string Options::*field) {
  return {"pcn", field, "PCN ODS code", kRequired};
}

// A command about one PCN: its ODS code (Options::pcn) first, then the `more` options.
template <typename Options>
CommandSpec<Options> PcnCommand(std::string name, std::string help,
                                std::vector<OptionSpec<Options>> more, std::string example,
                                int (*run)(Context&, const Options&)) {
  more.insert(more.begin(), PcnArg(&Options::pcn));
  return {std::move(name), std::move(help), std::move(more), std::move(example), run};
}

// Sets the subcommand's action: main runs `run` after parsing succeeded.
template <typename Options, typename Run>
void OnRun(CLI::App* cmd, Context& ctx, std::shared_ptr<Options> options, Run run) {
  cmd->callback(
      [&ctx, options, run] { ctx.action = [&ctx, options, run] { return run(ctx, *options); }; });
}

// "Example:\n  arrsctl ..." footer for --help.
std::string Example(const std::string& lines);

// Adds a command of subcommands (arrsctl pcn ...), of which exactly one must be given.
CLI::App* AddGroup(CLI::App& app, const std::string& name, const std::string& help);

// Declares one option on `command`, filling `variable`; for a bool, a flag (never required).
template <typename T>
void AddOption(CLI::App* command, const std::string& name, T& variable, const std::string& help,
               ArgNeed need) {
  CLI::Option* option = command->add_option(name, variable, help);
  if (need == kRequired || need == kExistingFile) option->required();
  if (need == kExistingFile) option->check(CLI::ExistingFile);
  if (need == kShowDefault) option->capture_default_str();
}
void AddOption(CLI::App* command, const std::string& name, bool& flag, const std::string& help,
               ArgNeed need);

// Adds the subcommand `spec` describes under `parent`, with a fresh Options for its fields.
template <typename Options>
CLI::App* AddCommand(CLI::App* parent, Context& ctx, const CommandSpec<Options>& spec) {
  auto options = std::make_shared<Options>();
  CLI::App* command = parent->add_subcommand(spec.name, spec.help);
  for (const OptionSpec<Options>& option : spec.options) {
    std::visit(
        [&](auto field) {
          AddOption(command, option.name, (*options).*field, option.help, option.need);
        },
        option.field);
  }
  command->footer(Example(spec.example));
  OnRun(command, ctx, options, spec.run);
  return command;
}

// Adds every subcommand of `specs` under `parent`, in order.
template <typename Options>
void AddCommands(CLI::App* parent, Context& ctx, const std::vector<CommandSpec<Options>>& specs) {
  for (const CommandSpec<Options>& spec : specs) AddCommand(parent, ctx, spec);
}

}  // namespace arrs::cli

#endif  // ARRS_CLI_COMMAND_SPEC_H_
