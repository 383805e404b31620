package dev.edgestack.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to start a topology: the instances in start order with their actual ports,
 * commands and environments.
 *
 * <p>{@code StackPlan.of(Topology.load(file, home), home, runDir, PortAssignment.ephemeral())}
 *
 * @param topology the topology's name
 * @param home the folder holding the modules and {@code config/}; the processes' working directory
 * @param runDir the folder for {@code state.json}, {@code logs/} and {@code keys/}
 * @param entry the name of the instance clients call first
 */
public record StackPlan(
    String topology, Path home, Path runDir, String entry, List<Instance> instances) {

  public StackPlan {
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(runDir, "runDir");
    Objects.requireNonNull(entry, "entry");
    instances = List.copyOf(instances);
    if (instances.stream().noneMatch(instance -> instance.name().equals(entry))) {
      throw new IllegalArgumentException("entry: " + entry + " (expected: an instance name)");
    }
  }

  /** Expands {@code topology} into instances; {@code ports} decides the ports first. */
  public static StackPlan of(Topology topology, Path home, Path runDir, PortAssignment ports) {
    return StackPlanner.plan(topology, home, runDir, ports);
  }

  public Optional<Instance> instance(String name) {
    return instances.stream().filter(instance -> instance.name().equals(name)).findFirst();
  }

  /** The demo issuer's signing key, shared by the issuer process and the token command. */
  public Path keyFile() {
    return keyFile(runDir);
  }

  static Path keyFile(Path runDir) {
    return runDir.resolve("keys").resolve("issuer-key.pem");
  }
}
