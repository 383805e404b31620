package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import io.netty.util.NetUtil;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Hazelcast cluster that holds shared rate-limit state. By default an embedded member binds
 * {@code host:port} (no port auto-increment) and joins the listed members over TCP-IP; in
 * containers {@code discovery: dns} lists the members from a DNS name at start-up and {@code
 * discovery: kubernetes} uses Hazelcast's Kubernetes DNS lookup. {@code mode: client} connects to
 * an external cluster instead. Never multicast.
 *
 * <pre>
 * cluster:
 *   mode: embedded                 # or client
 *   name: edge-stack
 *   host: 127.0.0.1
 *   port: 5701
 *   discovery: tcp-ip              # or dns (dnsName), kubernetes (kubernetesServiceDns)
 *   members: 127.0.0.1:5701,127.0.0.1:5702
 * </pre>
 */
public record ClusterConfig(
    Mode mode,
    String name,
    String host,
    int port,
    Discovery discovery,
    List<String> members,
    String dnsName,
    String kubernetesServiceDns,
    int partitionCount) {
  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9.\\-]+:(\\d{1,5})");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern DNS = Pattern.compile("[A-Za-z0-9.\\-]{1,253}");

  /** Whether this gateway runs a member or is a client of an external cluster. */
  public enum Mode {
    EMBEDDED,
    CLIENT
  }

  /** How an embedded member finds the others. */
  public enum Discovery {
    /** The listed {@code members}. */
    TCP_IP,
    /** Every address of {@code dnsName} at start-up, each with {@code port}. */
    DNS,
    /** Hazelcast's Kubernetes discovery in DNS lookup mode ({@code kubernetesServiceDns}). */
    KUBERNETES
  }

  public ClusterConfig {
    members = List.copyOf(members);
  }

  /** An embedded member joining {@code members} over TCP-IP. */
  public ClusterConfig(
      String name, String host, int port, List<String> members, int partitionCount) {
    this(Mode.EMBEDDED, name, host, port, Discovery.TCP_IP, members, "", "", partitionCount);
  }

  static ClusterConfig from(ConfigNode node) {
    node.requireOnly(
        "mode",
        "name",
        "host",
        "port",
        "discovery",
        "members",
        "dnsName",
        "kubernetesServiceDns",
        "partitionCount");
    Mode mode = node.enumValue("mode", Mode.class, Mode.EMBEDDED);
    String name = node.string("name", "edge-stack");
    if (!NAME.matcher(name).matches()) {
      throw node.error("name", name, "letters, digits, '.', '_' or '-'");
    }
    Discovery discovery = node.enumValue("discovery", Discovery.class, Discovery.TCP_IP);
    if (mode == Mode.CLIENT && discovery != Discovery.TCP_IP) {
      throw node.error("discovery", node.string("discovery"), "tcp-ip in client mode (members)");
    }
    List<String> members = node.strings("members");
    if (discovery == Discovery.TCP_IP && members.isEmpty()) {
      throw node.error("members", null, "at least one host:port, such as 127.0.0.1:5701");
    }
    for (String member : members) {
      var matcher = MEMBER.matcher(member);
      if (!matcher.matches() || Integer.parseInt(matcher.group(1)) > 65535) {
        throw node.error(
            "members", member, "host:port entries, one port each (ranges are not accepted)");
      }
    }
    String dnsName = dns(node, "dnsName", discovery == Discovery.DNS);
    String serviceDns = dns(node, "kubernetesServiceDns", discovery == Discovery.KUBERNETES);
    if (mode == Mode.CLIENT) {
      for (String key : List.of("host", "port", "partitionCount")) {
        if (node.has(key)) {
          throw node.error(key, node.string(key), "no " + key + " in client mode");
        }
      }
      return new ClusterConfig(mode, name, "", 0, discovery, members, "", "", 271);
    }
    String host = node.string("host");
    // Hazelcast binds an interface by its address; a name such as localhost matches none, and the
    // member would never start.
    if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
      throw node.error("host", host, "an IP address, such as 127.0.0.1 or 0.0.0.0 (not a name)");
    }
    return new ClusterConfig(
        mode,
        name,
        host,
        node.integer("port", 1, 65535),
        discovery,
        members,
        dnsName,
        serviceDns,
        node.integer("partitionCount", 271, 1, 10_000));
  }

  private static String dns(ConfigNode node, String key, boolean required) {
    if (!required) {
      // Blank counts as absent: one file serves every discovery, with ${VAR:-} placeholders.
      if (!node.strings(key).isEmpty()) {
        throw node.error(key, node.string(key), "no " + key + " with this discovery");
      }
      return "";
    }
    String value = node.string(key);
    if (!DNS.matcher(value).matches()) {
      throw node.error(key, value, "a DNS name");
    }
    return value;
  }
}
