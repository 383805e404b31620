package dev.edgestack.stack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables the launcher gives each instance: expanded template env plus its identity, and its
 * share of the machine's event loops (or the launcher's own {@code EDGE_EVENT_LOOPS}) unless the
 * template sets it.
 */
final class InstanceEnvironment {
  static final String KEY_FILE = "ISSUER_KEY_FILE";
  static final String EVENT_LOOPS = "EDGE_EVENT_LOOPS";

  private InstanceEnvironment() {}

  static Map<String, String> of(
      Template template,
      String instance,
      Map<String, Integer> ports,
      Map<String, List<Map<String, Integer>>> replicaPorts,
      Path keyFile,
      String eventLoops) {
    Map<String, String> env = new LinkedHashMap<>();
    template
        .env()
        .forEach((name, value) -> env.put(name, EnvReferences.expand(value, replicaPorts)));
    env.put("EDGE_INSTANCE", instance);
    env.put("EDGE_BIND", "127.0.0.1");
    // http and admin first: they are what people look for in the state file.
    env.put(TopologyReader.portVariable("http"), Integer.toString(ports.get("http")));
    env.put(TopologyReader.portVariable("admin"), Integer.toString(ports.get("admin")));
    ports.forEach(
        (name, port) -> env.put(TopologyReader.portVariable(name), Integer.toString(port)));
    env.put(KEY_FILE, keyFile.toString());
    // A topology's own value wins: the share is only a default for processes on one machine.
    env.putIfAbsent(EVENT_LOOPS, eventLoops);
    return env;
  }
}
