package dev.edgestack.runtime.process;

import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.http.TrustedProxies;
import dev.edgestack.runtime.listener.ListenerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings every deployable shares: who it is, where it listens, how it drains and whom it
 * trusts for forwarding headers, and how its client-facing listener bounds requests. Read from the
 * {@code instance}, {@code server}, {@code admin}, {@code shutdown} and {@code forwarded} sections
 * of its file.
 */
public record RuntimeSettings(
    String instance,
    String host,
    int port,
    String adminHost,
    int adminPort,
    Duration drainDelay,
    Duration shutdownTimeout,
    TrustedProxies trustedProxies,
    ListenerConfig listener,
    NetworkTransport.Resolved transport,
    int eventLoops) {

  /** The top-level keys read here; a deployable adds its own when it checks for unknown keys. */
  public static final List<String> KEYS =
      List.of("instance", "server", "admin", "shutdown", "forwarded", "reload");

  private static final int MAX_EVENT_LOOPS = 1024;

  public static RuntimeSettings from(ConfigNode root) {
    ConfigNode instance = root.object("instance").requireOnly("name");
    List<String> serverKeys = new ArrayList<>(List.of("host", "port", "transport", "eventLoops"));
    serverKeys.addAll(ListenerConfig.KEYS);
    ConfigNode server = root.object("server").requireOnly(serverKeys.toArray(String[]::new));
    int port = server.integer("port", 0, 65535);
    ConfigNode admin = root.object("admin").requireOnly("host", "port");
    ConfigNode shutdown = root.objectOrEmpty("shutdown").requireOnly("drainDelay", "timeout");
    ConfigNode forwarded = root.objectOrEmpty("forwarded").requireOnly("trustedProxies");
    String host = server.string("host", "127.0.0.1");
    TrustedProxies trusted;
    try {
      trusted = TrustedProxies.parse(forwarded.strings("trustedProxies"));
    } catch (IllegalArgumentException e) {
      throw forwarded.error(
          "trustedProxies",
          forwarded.strings("trustedProxies"),
          "IP addresses or CIDR ranges such as 127.0.0.1/32 (" + e.getMessage() + ")");
    }
    NetworkTransport wanted =
        server.enumValue("transport", NetworkTransport.class, NetworkTransport.AUTO);
    NetworkTransport.Resolved transport;
    try {
      transport = wanted.resolve();
    } catch (IllegalStateException e) {
      throw server.error(
          "transport",
          ConfigNode.spelling(wanted),
          "a transport this machine can run, or auto (" + e.getMessage() + ")");
    }
    return new RuntimeSettings(
        instance.string("name"),
        host,
        port,
        admin.string("host", host),
        admin.integer("port", 0, 65535),
        shutdown.duration("drainDelay", Duration.ZERO, Duration.ZERO),
        shutdown.duration("timeout", Duration.ofSeconds(10), Duration.ofMillis(1)),
        trusted,
        ListenerConfig.from(server, port),
        transport,
        eventLoops(server));
  }

  /**
   * {@code auto}: one per core (Vert.x's default of two per core only adds threads). Fewer pay when
   * several busy processes share the cores, as the launcher's topologies on one machine do: each
   * loop then finds more sockets ready per wake-up (docs/transport.md).
   */
  private static int eventLoops(ConfigNode server) {
    String text = server.string("eventLoops", "auto").trim();
    if (text.equals("auto")) {
      return Runtime.getRuntime().availableProcessors();
    }
    if (text.matches("\\d{1,4}")) {
      int loops = Integer.parseInt(text);
      if (loops >= 1 && loops <= MAX_EVENT_LOOPS) {
        return loops;
      }
    }
    throw server.error(
        "eventLoops", text, "auto (one per core) or an integer from 1 to " + MAX_EVENT_LOOPS);
  }
}
