package dev.edgestack.stack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed arguments of {@code edge-stack}: global options anywhere, then a command with its
 * options ({@code --name value} or {@code --name=value}) and arguments.
 */
record CommandLine(
    String command,
    Map<String, String> values,
    Set<String> flags,
    List<String> arguments,
    Optional<String> home,
    Optional<String> runDir) {

  static final String USAGE =
      """
      Usage: edge-stack [--home DIR] [--run-dir DIR] COMMAND [OPTIONS]

      Commands:
        up [--topology NAME|FILE] [--detach] [--ephemeral-ports] [--ready-timeout SECONDS]
                            start every instance of a topology (default: hybrid); without
                            --detach it stays in the foreground and Ctrl-C stops them all
        status [--json]     list the instances with role, pid, ports and readiness
        down                stop every instance gracefully (SIGTERM, SIGKILL after 30 s)
        stop NAME           stop one instance with SIGTERM
        kill NAME           kill one instance with SIGKILL
        start NAME [--ready-timeout SECONDS]
                            start one instance again and wait until it is ready
        token [--sub S] [--scope "a b"] [--ttl SECONDS] [--claims JSON]
                            print a JWT signed by the demo issuer; --claims is merged over
                            the claims, a null value removes one
        help                print this text

      Global options:
        --home DIR          the project folder (default: $EDGE_STACK_HOME, else the current folder)
        --run-dir DIR       state, logs and keys (default: HOME/run)
      """;

  private record Spec(Set<String> values, Set<String> flags, List<String> arguments) {}

  private static final Map<String, Spec> COMMANDS =
      Map.of(
          "up",
          new Spec(
              Set.of("--topology", "--ready-timeout"),
              Set.of("--detach", "--ephemeral-ports"),
              List.of()),
          "status",
          new Spec(Set.of(), Set.of("--json"), List.of()),
          "down",
          new Spec(Set.of(), Set.of(), List.of()),
          "stop",
          new Spec(Set.of(), Set.of(), List.of("NAME")),
          "kill",
          new Spec(Set.of(), Set.of(), List.of("NAME")),
          "start",
          new Spec(Set.of("--ready-timeout"), Set.of(), List.of("NAME")),
          "token",
          new Spec(Set.of("--sub", "--scope", "--ttl", "--claims"), Set.of(), List.of()),
          "help",
          new Spec(Set.of(), Set.of(), List.of()));

  static CommandLine parse(String... args) {
    String command = null;
    Map<String, String> values = new HashMap<>();
    Set<String> flags = new HashSet<>();
    List<String> arguments = new ArrayList<>();
    Optional<String> home = Optional.empty();
    Optional<String> runDir = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return new CommandLine("help", Map.of(), Set.of(), List.of(), home, runDir);
      }
      if (!arg.startsWith("-") || arg.equals("-")) {
        if (command == null) {
          if (!COMMANDS.containsKey(arg)) {
            throw new UsageException("unknown command: " + arg);
          }
          command = arg;
        } else {
          arguments.add(arg);
        }
        continue;
      }
      int equals = arg.indexOf('=');
      String name = equals > 0 ? arg.substring(0, equals) : arg;
      Spec spec = command == null ? null : COMMANDS.get(command);
      boolean global = name.equals("--home") || name.equals("--run-dir");
      if (global || (spec != null && spec.values().contains(name))) {
        String value;
        if (equals > 0) {
          value = arg.substring(equals + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new UsageException(name + " needs a value");
        }
        if (name.equals("--home")) {
          home = Optional.of(value);
        } else if (name.equals("--run-dir")) {
          runDir = Optional.of(value);
        } else {
          values.put(name, value);
        }
      } else if (spec != null && spec.flags().contains(name) && equals < 0) {
        flags.add(name);
      } else {
        throw new UsageException(
            "unknown option " + arg + (command == null ? "" : " for " + command));
      }
    }
    if (command == null) {
      throw new UsageException("no command given");
    }
    List<String> expected = COMMANDS.get(command).arguments();
    if (arguments.size() != expected.size()) {
      throw new UsageException(
          command
              + (expected.isEmpty()
                  ? " takes no arguments, got " + String.join(" ", arguments)
                  : " needs " + String.join(" ", expected)));
    }
    return new CommandLine(command, values, flags, arguments, home, runDir);
  }

  Optional<String> value(String option) {
    return Optional.ofNullable(values.get(option));
  }

  boolean flag(String option) {
    return flags.contains(option);
  }

  /** A whole number of seconds given to {@code option}, at least 1. */
  Optional<Long> seconds(String option) {
    return value(option)
        .map(
            text -> {
              try {
                long seconds = Long.parseLong(text.trim());
                if (seconds >= 1) {
                  return seconds;
                }
              } catch (NumberFormatException e) {
                // Reported below with what was expected.
              }
              throw new UsageException(option + ": " + text + " (expected: whole seconds >= 1)");
            });
  }
}
