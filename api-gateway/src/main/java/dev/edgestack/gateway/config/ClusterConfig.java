package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The embedded Hazelcast member that holds shared rate-limit state: it binds {@code host:port} (no
 * port auto-increment) and joins the listed members over TCP-IP, never by multicast.
 *
 * <pre>
 * cluster:
 *   name: edge-stack
 *   host: 127.0.0.1
 *   port: 5701
 *   members: 127.0.0.1:5701,127.0.0.1:5702
 * </pre>
 */
public record ClusterConfig(
    String name, String host, int port, List<String> members, int partitionCount) {
  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9.\\-]+:(\\d{1,5})");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

  public ClusterConfig {
    members = List.copyOf(members);
  }

  static ClusterConfig from(ConfigNode node) {
    node.requireOnly("name", "host", "port", "members", "partitionCount");
    String name = node.string("name", "edge-stack");
    if (!NAME.matcher(name).matches()) {
      throw node.error("name", name, "letters, digits, '.', '_' or '-'");
    }
    List<String> members = node.strings("members");
    if (members.isEmpty()) {
      throw node.error("members", null, "at least one host:port, such as 127.0.0.1:5701");
    }
    for (String member : members) {
      var matcher = MEMBER.matcher(member);
      if (!matcher.matches() || Integer.parseInt(matcher.group(1)) > 65535) {
        throw node.error(
            "members", member, "host:port entries, one port each (ranges are not accepted)");
      }
    }
    return new ClusterConfig(
        name,
        node.string("host"),
        node.integer("port", 1, 65535),
        members,
        node.integer("partitionCount", 271, 1, 10_000));
  }
}
