package dev.edgestack.stack;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A started (or starting) stack: its plan and the process of every instance started so far, as kept
 * in {@code <runDir>/state.json}.
 */
public record StackState(StackPlan plan, Map<String, ProcessId> processes) {

  public StackState {
    Objects.requireNonNull(plan, "plan");
    processes = Collections.unmodifiableMap(new LinkedHashMap<>(processes));
  }

  static StackState of(StackPlan plan) {
    return new StackState(plan, Map.of());
  }

  public List<Instance> instances() {
    return plan.instances();
  }

  public Optional<ProcessId> process(String instance) {
    return Optional.ofNullable(processes.get(instance));
  }

  /** The instance called {@code name}; fails listing the known names. */
  public Instance instance(String name) {
    return plan.instance(name)
        .orElseThrow(
            () ->
                new StackException(
                    "no instance "
                        + name
                        + " in "
                        + plan.topology()
                        + " (expected one of: "
                        + String.join(", ", instances().stream().map(Instance::name).toList())
                        + ")"));
  }

  /** A copy where {@code instance} runs as {@code process}. */
  public StackState with(String instance, ProcessId process) {
    Map<String, ProcessId> updated = new LinkedHashMap<>(processes);
    updated.put(instance, process);
    return new StackState(plan, updated);
  }

  /** The instances whose recorded process still runs. */
  public List<Instance> liveInstances() {
    return instances().stream()
        .filter(instance -> process(instance.name()).map(ProcessId::isAlive).orElse(false))
        .toList();
  }
}
