package dev.edgestack.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Expands templates into instances: replica names, ports, env references and commands. */
final class StackPlanner {
  private StackPlanner() {}

  static StackPlan plan(Topology topology, Path home, Path runDir, PortAssignment assignment) {
    Path absoluteHome = home.toAbsolutePath().normalize();
    Path absoluteRunDir = runDir.toAbsolutePath().normalize();
    Map<String, Map<String, Integer>> declared = new LinkedHashMap<>();
    for (Template template : topology.templates()) {
      for (int replica = 1; replica <= template.replicas(); replica++) {
        declared.put(template.instanceName(replica), template.replicaPorts(replica));
      }
    }
    Map<String, Map<String, Integer>> ports = assignment.assign(declared);
    String eventLoops =
        eventLoops(System.getenv(), Runtime.getRuntime().availableProcessors(), declared.size());
    Map<String, List<Map<String, Integer>>> replicaPorts = new LinkedHashMap<>();
    for (Template template : topology.templates()) {
      List<Map<String, Integer>> group = new ArrayList<>();
      for (int replica = 1; replica <= template.replicas(); replica++) {
        group.add(portsOf(ports, template.instanceName(replica), declared));
      }
      replicaPorts.put(template.name(), group);
    }
    List<Instance> instances = new ArrayList<>();
    for (Template template : topology.templates()) {
      List<String> command = JavaCommand.of(template, absoluteHome);
      for (int replica = 1; replica <= template.replicas(); replica++) {
        String name = template.instanceName(replica);
        Map<String, Integer> instancePorts = replicaPorts.get(template.name()).get(replica - 1);
        instances.add(
            new Instance(
                name,
                template.role(),
                template.service(),
                template.name(),
                replica,
                template.staggered(),
                template.phase(),
                instancePorts,
                command,
                InstanceEnvironment.of(
                    template,
                    name,
                    instancePorts,
                    replicaPorts,
                    StackPlan.keyFile(absoluteRunDir),
                    eventLoops),
                absoluteRunDir.resolve("logs").resolve(name + ".log")));
      }
    }
    String entry = topology.template(topology.entry()).orElseThrow().instanceName(1);
    return new StackPlan(topology.name(), absoluteHome, absoluteRunDir, entry, instances);
  }

  /**
   * Every instance runs on this machine, so they share its cores: each gets its share of event
   * loops, at least one. One loop per core in each of three JVMs of a chain on two cores cost 49.8
   * CPU us per request against 39.5 with one loop each (bench/run.sh, docs/transport.md).
   */
  static int eventLoopsPerInstance(int cores, int instances) {
    return Math.max(1, cores / Math.max(1, instances));
  }

  /**
   * The launcher's own {@code EDGE_EVENT_LOOPS} when set, as for every other variable a shipped
   * file reads (instances inherit the launcher's environment, and the planned one would win).
   */
  static String eventLoops(Map<String, String> launcherEnv, int cores, int instances) {
    String chosen = launcherEnv.get(InstanceEnvironment.EVENT_LOOPS);
    return chosen != null && !chosen.isBlank()
        ? chosen
        : Integer.toString(eventLoopsPerInstance(cores, instances));
  }

  private static Map<String, Integer> portsOf(
      Map<String, Map<String, Integer>> assigned,
      String instance,
      Map<String, Map<String, Integer>> declared) {
    Map<String, Integer> ports = assigned.get(instance);
    if (ports == null || !ports.keySet().equals(declared.get(instance).keySet())) {
      throw new IllegalStateException(
          instance + ": port assignment returned " + ports + " for " + declared.get(instance));
    }
    return ports;
  }
}
