package dev.edgestack.runtime.process;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends an instance whose launcher is gone. The launcher starts instances in their own session, so a
 * launcher or test JVM that dies by SIGKILL would leave them running; when it passes its pid in
 * {@value #VARIABLE}, each instance checks on a periodic timer that it is still alive.
 */
public final class ParentWatch {
  /** The environment variable that carries the launcher's pid; absent for detached stacks. */
  public static final String VARIABLE = "EDGE_PARENT_PID";

  /** How often an instance looks for its launcher. */
  public static final Duration INTERVAL = Duration.ofSeconds(1);

  private ParentWatch() {}

  /**
   * The launcher's pid from {@code env}; empty when unset or blank.
   *
   * @throws IllegalArgumentException when set to something other than a positive number
   */
  public static Optional<Long> parentPid(Map<String, String> env) {
    String value = env.getOrDefault(VARIABLE, "").trim();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(value);
      if (pid > 0) {
        return Optional.of(pid);
      }
    } catch (NumberFormatException e) {
      // Reported below with the expectation.
    }
    throw new IllegalArgumentException(
        VARIABLE + ": '" + value + "' (expected: the pid of the launcher, a positive number)");
  }

  /**
   * Runs {@code onGone} once on an event loop when process {@code pid} has exited (also when it is
   * not running now), checking every {@code interval}; returns the timer id.
   */
  public static long watch(Vertx vertx, long pid, Duration interval, Runnable onGone) {
    // The handle remembers the start time, so a recycled pid does not count as the launcher.
    Optional<ProcessHandle> parent = ProcessHandle.of(pid);
    AtomicBoolean fired = new AtomicBoolean();
    return vertx.setPeriodic(
        interval.toMillis(),
        id -> {
          if (!parent.map(ProcessHandle::isAlive).orElse(false) && !fired.getAndSet(true)) {
            vertx.cancelTimer(id);
            onGone.run();
          }
        });
  }
}
