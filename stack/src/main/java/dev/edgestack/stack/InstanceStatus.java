package dev.edgestack.stack;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@code status} reports about one instance.
 *
 * @param process the last process started for it, if any
 * @param alive whether that process still runs
 * @param ready whether its admin port answered 200 on {@code /health/ready} just now
 */
public record InstanceStatus(
    Instance instance, Optional<ProcessId> process, boolean alive, boolean ready) {

  public InstanceStatus {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(process, "process");
  }
}
