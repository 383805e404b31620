package dev.edgestack.stack;

import dev.edgestack.runtime.security.DemoSigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Starts, inspects and stops the stack kept in one run folder. Every operation reads and writes
 * {@code <runDir>/state.json}, so the command line and the test kit share one code path, and a
 * later command sees what an earlier one started.
 *
 * <p>{@code StackControl.of(runDir).up(plan)} starts a plan and {@code down()} stops it.
 */
public final class StackControl {
  /** How long {@code down} waits for SIGTERM before it sends SIGKILL. */
  // A gateway may drain for its shutdown timeout (10 s) and then leave the Hazelcast cluster.
  public static final Duration DOWN_GRACE = Duration.ofSeconds(30);

  private static final Duration FAILED_UP_GRACE = Duration.ofSeconds(10);
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);
  private static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);

  private final Path runDir;
  private final StateStore store;
  private final StackListener listener;
  private final Duration readyTimeout;
  private final OptionalLong parentPid;
  private volatile StackStarter starting;

  private StackControl(
      Path runDir, StackListener listener, Duration readyTimeout, OptionalLong parentPid) {
    this.runDir = runDir.toAbsolutePath().normalize();
    this.store = new StateStore(this.runDir);
    this.listener = Objects.requireNonNull(listener, "listener");
    this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
    this.parentPid = Objects.requireNonNull(parentPid, "parentPid");
  }

  public static StackControl of(Path runDir) {
    return new StackControl(
        runDir, StackListener.silent(), DEFAULT_READY_TIMEOUT, OptionalLong.empty());
  }

  /** A copy that reports what it does to {@code listener}. */
  public StackControl listening(StackListener listener) {
    return new StackControl(runDir, listener, readyTimeout, parentPid);
  }

  /**
   * A copy whose instances exit by themselves once this JVM is gone (they get its pid in {@code
   * EDGE_PARENT_PID}): for the test kit and a foreground {@code up}, never for {@code --detach}.
   */
  public StackControl boundToThisProcess() {
    return new StackControl(
        runDir, listener, readyTimeout, OptionalLong.of(ProcessHandle.current().pid()));
  }

  /** A copy that gives each instance {@code timeout} to become ready (default 120 s). */
  public StackControl readyTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("readyTimeout: " + timeout + " (expected: > 0)");
    }
    return new StackControl(runDir, listener, timeout, parentPid);
  }

  public Path runDir() {
    return runDir;
  }

  /** The state file, which exists while a stack started here is up. */
  public Path stateFile() {
    return store.file();
  }

  public Optional<StackState> state() {
    return store.read();
  }

  /**
   * Starts every instance of {@code plan} and returns once all are ready. On any failure it stops
   * what it started (SIGTERM, SIGKILL after 10 s), removes the state file and rethrows.
   */
  public StackState up(StackPlan plan) {
    if (!plan.runDir().equals(runDir)) {
      throw new IllegalArgumentException(
          "plan.runDir: " + plan.runDir() + " (expected: " + runDir + ")");
    }
    Optional<StackState> previous = store.read();
    if (previous.isPresent() && !previous.get().liveInstances().isEmpty()) {
      throw new StackException(
          "already running ("
              + previous.get().plan().topology()
              + ", see "
              + store.file()
              + "): run bin/edge-stack down first");
    }
    Preflight.check(plan);
    listener.startingStack(plan);
    createKey(plan.keyFile());
    StackState initial = StackState.of(plan);
    store.write(initial);
    try (ReadinessProbe probe = new ReadinessProbe()) {
      StackStarter starter =
          new StackStarter(initial, probe, readyTimeout, listener, store::write, parentPid);
      starting = starter;
      try {
        return starter.start();
      } catch (RuntimeException e) {
        // Cancelled by down() (Ctrl-C in the foreground), which then stops everything itself.
        boolean stoppedByDown = starter.isCancelled();
        starter.cancel();
        if (!stoppedByDown) {
          StackStopper.stopAll(starter.state(), FAILED_UP_GRACE, listener);
          store.delete();
        }
        throw e;
      } finally {
        starting = null;
      }
    }
  }

  /**
   * Stops every instance gracefully (reverse phase order, SIGKILL for what still runs after 30 s)
   * and removes the state file; also cancels a start-up in progress in this JVM. Returns the
   * instances that needed SIGKILL.
   */
  public List<String> down() {
    StackStarter starter = starting;
    Optional<StackState> state;
    if (starter != null) {
      starter.cancel();
      state = Optional.of(starter.state());
    } else {
      state = store.read();
    }
    if (state.isEmpty()) {
      return List.of();
    }
    List<String> killed = StackStopper.stopAll(state.get(), DOWN_GRACE, listener);
    store.delete();
    return killed;
  }

  /** Sends SIGTERM to {@code name} and waits for it to exit; false when it was not running. */
  public boolean stop(String name) {
    StackState state = requireState();
    Instance instance = state.instance(name);
    Optional<ProcessHandle> process = state.process(name).flatMap(ProcessId::live);
    if (process.isEmpty()) {
      return false;
    }
    listener.stopping(instance, process.get().pid());
    process.get().destroy();
    if (!ProcessControl.awaitExit(List.of(process.get()), STOP_WAIT)) {
      throw new StackException(
          name
              + " (pid "
              + process.get().pid()
              + ") still runs "
              + STOP_WAIT.toSeconds()
              + " s after SIGTERM; bin/edge-stack kill "
              + name
              + " ends it");
    }
    return true;
  }

  /** Sends SIGKILL to {@code name} and waits for it to exit; false when it was not running. */
  public boolean kill(String name) {
    StackState state = requireState();
    Instance instance = state.instance(name);
    Optional<ProcessHandle> process = state.process(name).flatMap(ProcessId::live);
    if (process.isEmpty()) {
      return false;
    }
    listener.killing(instance, process.get().pid());
    process.get().destroyForcibly();
    if (!ProcessControl.awaitExit(List.of(process.get()), KILL_WAIT)) {
      throw new StackException(
          name + " (pid " + process.get().pid() + ") still runs after SIGKILL");
    }
    return true;
  }

  /** Starts {@code name} again with its recorded command and env and waits until it is ready. */
  public ProcessId start(String name) {
    StackState state = requireState();
    Instance instance = state.instance(name);
    Optional<ProcessId> previous = state.process(name).filter(ProcessId::isAlive);
    if (previous.isPresent()) {
      throw new StackException(
          name + " is already running (pid " + previous.get().pid() + "); stop it first");
    }
    listener.starting(instance);
    long started = System.nanoTime();
    Process process = ProcessControl.spawn(instance, state.plan().home(), parentPid);
    ProcessId id = ProcessId.of(process.toHandle());
    store.update(current -> current.with(name, id));
    try (ReadinessProbe probe = new ReadinessProbe()) {
      probe.awaitReady(instance, process, readyTimeout).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while waiting for " + name + " to be ready");
    } catch (ExecutionException e) {
      StackStopper.stopAll(
          new StackState(state.plan(), Map.of(name, id)), FAILED_UP_GRACE, listener);
      throw e.getCause() instanceof RuntimeException failure
          ? failure
          : new StackException(name + ": " + e.getCause(), e.getCause());
    }
    listener.ready(instance, id.pid(), Duration.ofNanos(System.nanoTime() - started));
    return id;
  }

  /** Every instance of the running stack with its process and readiness; empty when none. */
  public List<InstanceStatus> status() {
    Optional<StackState> state = store.read();
    if (state.isEmpty()) {
      return List.of();
    }
    List<Instance> instances = state.get().instances();
    List<CompletableFuture<Boolean>> checks = new ArrayList<>();
    List<InstanceStatus> statuses = new ArrayList<>();
    try (ReadinessProbe probe = new ReadinessProbe()) {
      for (Instance instance : instances) {
        boolean alive = state.get().process(instance.name()).map(ProcessId::isAlive).orElse(false);
        checks.add(
            alive ? probe.check(instance.adminPort()) : CompletableFuture.completedFuture(false));
      }
      for (int i = 0; i < instances.size(); i++) {
        Instance instance = instances.get(i);
        Optional<ProcessId> process = state.get().process(instance.name());
        boolean alive = process.map(ProcessId::isAlive).orElse(false);
        statuses.add(new InstanceStatus(instance, process, alive, checks.get(i).join()));
      }
    }
    return statuses;
  }

  private StackState requireState() {
    return store
        .read()
        .orElseThrow(
            () ->
                new StackException(
                    "no stack is running here (no " + store.file() + "); start one with up"));
  }

  private static void createKey(Path keyFile) {
    // Created before any process starts, so the issuer and the token command share one key.
    try {
      Files.createDirectories(keyFile.getParent());
      DemoSigningKey.loadOrCreate(keyFile);
    } catch (IOException e) {
      throw new UncheckedIOException(keyFile + ": " + e.getMessage(), e);
    }
  }
}
