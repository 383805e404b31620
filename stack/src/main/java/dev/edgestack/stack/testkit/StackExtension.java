package dev.edgestack.stack.testkit;

import dev.edgestack.stack.DemoTokens;
import dev.edgestack.stack.Instance;
import dev.edgestack.stack.InstanceStatus;
import dev.edgestack.stack.PortAssignment;
import dev.edgestack.stack.ProcessId;
import dev.edgestack.stack.StackControl;
import dev.edgestack.stack.StackException;
import dev.edgestack.stack.StackListener;
import dev.edgestack.stack.StackPlan;
import dev.edgestack.stack.StackState;
import dev.edgestack.stack.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a topology as real processes before the tests of a class and stops it after them, on free
 * ports and in a fresh run folder, through the same code as {@code bin/edge-stack up}.
 *
 * <pre>{@code
 * @RegisterExtension static StackExtension stack = StackExtension.topology("hybrid");
 *
 * @Test void ratesArePublic() {
 *   HttpRequest.newBuilder(URI.create(stack.entryUrl() + "/api/rates?base=EUR")) ...
 * }
 * }</pre>
 *
 * <p>The home folder is the nearest folder above the working directory that holds {@code
 * config/topologies}; the deployables' jars must be built. If start-up fails, the exception names
 * the failing instance and ends with its log tail. Logs stay in {@link #runDir()}.
 */
public final class StackExtension implements BeforeAllCallback, AfterAllCallback {
  private static final Logger LOG = LoggerFactory.getLogger(StackExtension.class);

  private final String topology;
  private Duration readyTimeout = Duration.ofSeconds(120);
  private int users;
  private Path home;
  private Path runDir;
  private StackControl control;
  private DemoTokens tokens;
  private Thread lastResort;

  private StackExtension(String topology) {
    this.topology = Objects.requireNonNull(topology, "topology");
  }

  /** A stack of the topology {@code nameOrFile}: a name such as {@code hybrid}, or a YAML path. */
  public static StackExtension topology(String nameOrFile) {
    return new StackExtension(nameOrFile);
  }

  /** Gives each instance {@code timeout} to become ready (default 120 s); call before start. */
  public StackExtension readyTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("readyTimeout: " + timeout + " (expected: > 0)");
    }
    this.readyTimeout = timeout;
    return this;
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    // Nested test classes call beforeAll again: start once, stop when the outermost ends.
    if (users++ > 0) {
      return;
    }
    home = findHome();
    runDir = newRunDir(home, topology);
    // Bound to this JVM: a test run killed with SIGKILL leaves no stack behind.
    control =
        StackControl.of(runDir)
            .listening(new LoggingListener())
            .readyTimeout(readyTimeout)
            .boundToThisProcess();
    lastResort = new Thread(this::stopQuietly, "edge-stack-test-kit-shutdown");
    Runtime.getRuntime().addShutdownHook(lastResort);
    Topology loaded = Topology.load(Topology.file(home, topology), home);
    StackPlan plan = StackPlan.of(loaded, home, runDir, PortAssignment.ephemeral());
    LOG.info("starting {} ({} instances) in {}", loaded.name(), plan.instances().size(), runDir);
    long started = System.nanoTime();
    control.up(plan);
    tokens = DemoTokens.forStack(home, runDir);
    LOG.info(
        "{} is ready in {} ms; entry {}",
        loaded.name(),
        (System.nanoTime() - started) / 1_000_000,
        entryUrl());
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (--users > 0) {
      return;
    }
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(lastResort);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs already; it finds nothing left to stop.
    }
  }

  private void stopQuietly() {
    if (control == null) {
      return;
    }
    try {
      List<String> killed = control.down();
      if (!killed.isEmpty()) {
        LOG.warn("needed SIGKILL to stop {}", killed);
      }
    } catch (RuntimeException e) {
      LOG.warn("stopping the stack in {} failed: {}", runDir, e.getMessage());
    }
  }

  /** {@code http://127.0.0.1:PORT} of the instance clients call first. */
  public String entryUrl() {
    return httpUrl(state().plan().entry());
  }

  /** Every instance in start order, with its current pid. */
  public List<StackInstance> instances() {
    StackState state = state();
    return state.instances().stream().map(instance -> view(state, instance)).toList();
  }

  /** The instance called {@code name}; fails listing the names when there is none. */
  public StackInstance instance(String name) {
    StackState state = state();
    return view(state, state.instance(name));
  }

  /** {@code http://127.0.0.1:PORT} of the instance's http port. */
  public String httpUrl(String name) {
    return "http://127.0.0.1:" + instance(name).httpPort();
  }

  /** {@code http://127.0.0.1:PORT} of the instance's admin port (health, metrics, faults). */
  public String adminUrl(String name) {
    return "http://127.0.0.1:" + instance(name).adminPort();
  }

  /** Whether the instance's process runs now. */
  public boolean isAlive(String name) {
    return state().process(name).map(ProcessId::isAlive).orElse(false);
  }

  /** Whether the instance runs and answers 200 on {@code /health/ready} now. */
  public boolean isReady(String name) {
    return running().status().stream()
        .filter(status -> status.instance().name().equals(name))
        .anyMatch(InstanceStatus::ready);
  }

  /** Stops the instance with SIGTERM and waits until it has exited. */
  public void stop(String name) {
    running().stop(name);
  }

  /** Kills the instance with SIGKILL and waits until it has exited. */
  public void kill(String name) {
    running().kill(name);
  }

  /** Starts the instance again with its command and env and waits until it is ready. */
  public void start(String name) {
    running().start(name);
  }

  /** A token for {@code sub} with {@code scope} (space-separated), valid for one hour. */
  public String token(String sub, String scope) {
    return tokens().token(sub, scope, DemoTokens.DEFAULT_TTL, Map.of());
  }

  /**
   * A token for alice with scope {@code accounts:read}, valid for one hour, with {@code
   * claimsOverride} merged over its claims; a {@code null} value removes a claim.
   */
  public String token(Map<String, Object> claimsOverride) {
    return tokens()
        .token(
            DemoTokens.DEFAULT_SUBJECT,
            DemoTokens.DEFAULT_SCOPE,
            DemoTokens.DEFAULT_TTL,
            claimsOverride);
  }

  /** The run folder: {@code state.json}, {@code logs/NAME.log}, {@code keys/}. */
  public Path runDir() {
    running();
    return runDir;
  }

  /** The project folder the deployables and config files are taken from. */
  public Path home() {
    running();
    return home;
  }

  private StackControl running() {
    if (control == null) {
      throw new IllegalStateException(
          "the stack is not started: register StackExtension with @RegisterExtension on a static"
              + " field");
    }
    return control;
  }

  private StackState state() {
    return running()
        .state()
        .orElseThrow(() -> new IllegalStateException("the stack in " + runDir + " is down"));
  }

  private DemoTokens tokens() {
    running();
    return tokens;
  }

  private static StackInstance view(StackState state, Instance instance) {
    return new StackInstance(
        instance.name(),
        instance.role(),
        instance.service(),
        instance.group(),
        instance.ports(),
        state.process(instance.name()).map(ProcessId::pid).orElse(0L));
  }

  static Path findHome() {
    Path start = Path.of("").toAbsolutePath();
    for (Path folder = start; folder != null; folder = folder.getParent()) {
      if (Files.isDirectory(folder.resolve("config").resolve("topologies"))) {
        return folder;
      }
    }
    throw new StackException(
        "no folder with config/topologies above " + start + " (expected: run inside the project)");
  }

  private static Path newRunDir(Path home, String topology) {
    // Under the module's target/ when there is one, so that mvn clean removes old runs.
    Path target = Path.of("target").toAbsolutePath();
    Path parent = Files.isDirectory(target) ? target.resolve("edge-stack") : null;
    String prefix = Path.of(topology).getFileName().toString().replaceAll("[^A-Za-z0-9-]", "-");
    try {
      if (parent == null) {
        return Files.createTempDirectory("edge-stack-" + prefix + "-");
      }
      Files.createDirectories(parent);
      return Files.createTempDirectory(parent, prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a run folder: " + e.getMessage(), e);
    }
  }

  /** Logs the launcher's steps at info, so that test logs show what ran where. */
  private static final class LoggingListener implements StackListener {
    @Override
    public void starting(Instance instance) {
      LOG.info("starting {} on {}", instance.name(), instance.ports());
    }

    @Override
    public void ready(Instance instance, long pid, Duration startUp) {
      LOG.info("{} is ready (pid {}) in {} ms", instance.name(), pid, startUp.toMillis());
    }

    @Override
    public void stopping(Instance instance, long pid) {
      LOG.info("stopping {} (pid {})", instance.name(), pid);
    }

    @Override
    public void killing(Instance instance, long pid) {
      LOG.info("killing {} (pid {})", instance.name(), pid);
    }
  }
}
