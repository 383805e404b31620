package dev.edgestack.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Maps a {@link StackState} to and from the JSON of {@code state.json}. */
final class StateCodec {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private StateCodec() {}

  static ObjectNode encode(StackState state) {
    StackPlan plan = state.plan();
    ObjectNode root = JSON.objectNode();
    root.put("topology", plan.topology());
    root.put("home", plan.home().toString());
    root.put("runDir", plan.runDir().toString());
    root.put("entry", plan.entry());
    ArrayNode instances = root.putArray("instances");
    for (Instance instance : plan.instances()) {
      ObjectNode item = instances.addObject();
      item.put("name", instance.name());
      item.put("role", instance.role().spelling());
      item.put("service", instance.service().map(SampleService::spelling).orElse(null));
      item.put("group", instance.group());
      item.put("replica", instance.replica());
      item.put("staggered", instance.staggered());
      item.put("phase", instance.phase());
      Optional<ProcessId> process = state.process(instance.name());
      if (process.isPresent()) {
        item.put("pid", process.get().pid());
        item.put("startMillis", process.get().startMillis());
      } else {
        item.putNull("pid");
        item.putNull("startMillis");
      }
      ObjectNode ports = item.putObject("ports");
      instance.ports().forEach(ports::put);
      ArrayNode command = item.putArray("command");
      instance.command().forEach(command::add);
      ObjectNode env = item.putObject("env");
      instance.env().forEach(env::put);
      item.put("log", instance.log().toString());
    }
    return root;
  }

  /** Decodes a state; any missing or mistyped field is an IllegalArgumentException naming it. */
  static StackState decode(JsonNode root) {
    List<Instance> instances = new ArrayList<>();
    Map<String, ProcessId> processes = new LinkedHashMap<>();
    JsonNode items = require(root, "instances");
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String name = text(item, "name");
      JsonNode service = require(item, "service");
      instances.add(
          new Instance(
              name,
              Role.ofSpelling(text(item, "role")),
              service.isNull()
                  ? Optional.empty()
                  : Optional.of(SampleService.ofSpelling(service.asText())),
              text(item, "group"),
              require(item, "replica").asInt(),
              require(item, "staggered").asBoolean(),
              require(item, "phase").asInt(),
              ports(require(item, "ports")),
              strings(require(item, "command")),
              env(require(item, "env")),
              Path.of(text(item, "log"))));
      JsonNode pid = require(item, "pid");
      if (!pid.isNull()) {
        processes.put(name, new ProcessId(pid.asLong(), require(item, "startMillis").asLong()));
      }
    }
    StackPlan plan =
        new StackPlan(
            text(root, "topology"),
            Path.of(text(root, "home")),
            Path.of(text(root, "runDir")),
            text(root, "entry"),
            instances);
    return new StackState(plan, processes);
  }

  private static JsonNode require(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      throw new IllegalArgumentException(field + ": missing");
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = require(node, field);
    if (!value.isTextual()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: a string)");
    }
    return value.asText();
  }

  private static Map<String, Integer> ports(JsonNode node) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    node.fields().forEachRemaining(field -> ports.put(field.getKey(), field.getValue().asInt()));
    return ports;
  }

  private static Map<String, String> env(JsonNode node) {
    Map<String, String> env = new LinkedHashMap<>();
    node.fields().forEachRemaining(field -> env.put(field.getKey(), field.getValue().asText()));
    return env;
  }

  private static List<String> strings(JsonNode node) {
    List<String> strings = new ArrayList<>();
    node.forEach(item -> strings.add(item.asText()));
    return strings;
  }
}
