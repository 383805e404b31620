package dev.edgestack.stack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Writes instance statuses as a table for people or as the JSON array of DESIGN.md. */
final class StatusView {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<String> HEADINGS =
      List.of("NAME", "ROLE", "SERVICE", "PID", "ALIVE", "READY", "PORTS");

  private StatusView() {}

  static String json(List<InstanceStatus> statuses) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (InstanceStatus status : statuses) {
      Instance instance = status.instance();
      ObjectNode item = array.addObject();
      item.put("name", instance.name());
      item.put("role", instance.role().spelling());
      item.put("service", instance.service().map(SampleService::spelling).orElse(null));
      item.put("group", instance.group());
      item.put("phase", instance.phase());
      if (status.process().isPresent()) {
        item.put("pid", status.process().get().pid());
      } else {
        item.putNull("pid");
      }
      ObjectNode ports = item.putObject("ports");
      instance.ports().forEach(ports::put);
      item.put("alive", status.alive());
      item.put("ready", status.ready());
      item.put("log", instance.log().toString());
    }
    try {
      return JSON.writeValueAsString(array) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("status cannot be written as JSON", e);
    }
  }

  static String table(List<InstanceStatus> statuses) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADINGS);
    for (InstanceStatus status : statuses) {
      Instance instance = status.instance();
      rows.add(
          List.of(
              instance.name(),
              instance.role().spelling(),
              instance.service().map(SampleService::spelling).orElse("-"),
              status.process().map(process -> Long.toString(process.pid())).orElse("-"),
              status.alive() ? "yes" : "no",
              status.ready() ? "yes" : "no",
              instance.ports().entrySet().stream()
                  .map(port -> port.getKey() + "=" + port.getValue())
                  .collect(Collectors.joining(" "))));
    }
    int[] widths = new int[HEADINGS.size()];
    for (List<String> row : rows) {
      for (int column = 0; column < row.size(); column++) {
        widths[column] = Math.max(widths[column], row.get(column).length());
      }
    }
    StringBuilder table = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int column = 0; column < row.size(); column++) {
        line.append(String.format("%-" + (widths[column] + 2) + "s", row.get(column)));
      }
      table.append(line.toString().stripTrailing()).append('\n');
    }
    return table.toString();
  }
}
