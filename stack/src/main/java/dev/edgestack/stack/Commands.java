package dev.edgestack.stack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Runs one parsed command line against a home and run folder; returns the exit status. */
final class Commands {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CommandLine line;
  private final PrintStream out;
  private final PrintStream err;
  private final Path home;
  private final Path runDir;

  Commands(CommandLine line, PrintStream out, PrintStream err, Map<String, String> environment) {
    this.line = line;
    this.out = out;
    this.err = err;
    Path cwd = Path.of("").toAbsolutePath();
    String defaultHome = environment.getOrDefault("EDGE_STACK_HOME", "");
    this.home =
        cwd.resolve(line.home().orElse(defaultHome.isBlank() ? "." : defaultHome)).normalize();
    this.runDir = line.runDir().map(cwd::resolve).orElse(home.resolve("run")).normalize();
  }

  int run() {
    return switch (line.command()) {
      case "up" -> new UpCommand(line, out, err, home, control()).run();
      case "status" -> status();
      case "down" -> down();
      case "stop" -> stop();
      case "kill" -> kill();
      case "start" -> start();
      case "token" -> token();
      default -> help();
    };
  }

  private StackControl control() {
    StackControl control = StackControl.of(runDir).listening(new ConsoleListener(err));
    return line.seconds("--ready-timeout")
        .map(seconds -> control.readyTimeout(Duration.ofSeconds(seconds)))
        .orElse(control);
  }

  private int help() {
    out.print(CommandLine.USAGE);
    return 0;
  }

  private int status() {
    StackControl control = control();
    List<InstanceStatus> statuses = control.status();
    if (line.flag("--json")) {
      out.print(StatusView.json(statuses));
    } else if (statuses.isEmpty()) {
      out.println("no stack is running (no " + control.stateFile() + ")");
    } else {
      out.print(StatusView.table(statuses));
    }
    return 0;
  }

  private int down() {
    StackControl control = control();
    var state = control.state();
    if (state.isEmpty()) {
      out.println("nothing to stop (no " + control.stateFile() + ")");
      return 0;
    }
    int live = state.get().liveInstances().size();
    List<String> killed = control.down();
    out.println(
        "stopped "
            + live
            + " instance(s) of "
            + state.get().plan().topology()
            + (killed.isEmpty() ? "" : "; SIGKILL was needed for " + String.join(", ", killed)));
    return 0;
  }

  private int stop() {
    String name = line.arguments().get(0);
    out.println(control().stop(name) ? "stopped " + name : name + " is not running");
    return 0;
  }

  private int kill() {
    String name = line.arguments().get(0);
    out.println(control().kill(name) ? "killed " + name : name + " is not running");
    return 0;
  }

  private int start() {
    String name = line.arguments().get(0);
    long started = System.nanoTime();
    ProcessId process = control().start(name);
    out.printf(
        Locale.ROOT,
        "started %s, pid %d, ready in %.1f s%n",
        name,
        process.pid(),
        (System.nanoTime() - started) / 1e9);
    return 0;
  }

  private int token() {
    Map<String, Object> overrides = line.value("--claims").map(Commands::claims).orElse(Map.of());
    if (!Files.exists(StackPlan.keyFile(runDir))) {
      err.println(
          "edge-stack: note: no issuer key in "
              + runDir
              + " yet; created one, which the issuer of the next up will use");
    }
    DemoTokens tokens = DemoTokens.forStack(home, runDir);
    out.println(
        tokens.token(
            line.value("--sub").orElse(DemoTokens.DEFAULT_SUBJECT),
            line.value("--scope").orElse(DemoTokens.DEFAULT_SCOPE),
            line.seconds("--ttl").map(Duration::ofSeconds).orElse(DemoTokens.DEFAULT_TTL),
            overrides));
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> claims(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UsageException(
          "--claims: not valid JSON (" + e.getOriginalMessage() + "); expected an object");
    }
    if (node == null || !node.isObject()) {
      throw new UsageException(
          "--claims: " + json + " (expected: a JSON object such as {\"exp\": 0})");
    }
    return JSON.convertValue(node, Map.class);
  }
}
