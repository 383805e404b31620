package dev.edgestack.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Stops the live processes of a state in reverse phase order with SIGTERM, then sends SIGKILL to
 * whatever still runs when the grace period is over. Only recorded processes are signalled.
 */
final class StackStopper {
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);

  private StackStopper() {}

  /** Returns the names of the instances that needed SIGKILL. */
  static List<String> stopAll(StackState state, Duration grace, StackListener listener) {
    long deadline = System.nanoTime() + grace.toNanos();
    Map<Integer, List<Instance>> phases = new TreeMap<>(Collections.reverseOrder());
    for (Instance instance : state.instances()) {
      phases.computeIfAbsent(instance.phase(), phase -> new ArrayList<>()).add(instance);
    }
    for (List<Instance> phase : phases.values()) {
      List<ProcessHandle> stopping = new ArrayList<>();
      for (Instance instance : phase) {
        live(state, instance)
            .ifPresent(
                process -> {
                  listener.stopping(instance, process.pid());
                  process.destroy();
                  stopping.add(process);
                });
      }
      ProcessControl.awaitExit(stopping, Duration.ofNanos(deadline - System.nanoTime()));
    }
    List<String> killed = new ArrayList<>();
    List<ProcessHandle> killing = new ArrayList<>();
    for (Instance instance : state.instances()) {
      live(state, instance)
          .ifPresent(
              process -> {
                listener.killing(instance, process.pid());
                process.destroyForcibly();
                killing.add(process);
                killed.add(instance.name());
              });
    }
    ProcessControl.awaitExit(killing, KILL_WAIT);
    return killed;
  }

  private static Optional<ProcessHandle> live(StackState state, Instance instance) {
    return state.process(instance.name()).flatMap(ProcessId::live);
  }
}
