package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An L4 listener: raw TCP connections accepted on {@code port} are each relayed to one endpoint of
 * {@code pool}, picked by the pool's strategy (a connection counts as one request in flight;
 * consistent hashing uses the client's address). A connection idle for {@code idleTimeout} in both
 * directions is closed.
 *
 * <pre>
 * tcp:
 *   - name: postgres
 *     port: 15432
 *     idleTimeout: 10m
 *     pool: {strategy: least-requests, endpoints: "10.0.0.5:5432,10.0.0.6:5432",
 *            healthCheck: {type: tcp, interval: 2s}}
 * </pre>
 */
public record TcpListenerConfig(String name, int port, Duration idleTimeout, PoolConfig pool) {
  public static final List<String> KEYS = List.of("name", "port", "idleTimeout", "pool");

  /** Reads one listener; the pool takes {@link PoolConfig#KEYS}. */
  public static TcpListenerConfig from(ConfigNode node) {
    node.requireOnly(KEYS.toArray(String[]::new));
    String name = node.string("name");
    if (!name.matches("[a-z][a-z0-9-]*")) {
      throw node.error(
          "name", name, "lower-case letters, digits and dashes, starting with a letter");
    }
    ConfigNode pool = node.object("pool");
    pool.requireOnly(PoolConfig.KEYS.toArray(String[]::new));
    return new TcpListenerConfig(
        name,
        node.integer("port", 0, 65535),
        node.duration("idleTimeout", Duration.ofMinutes(10), Duration.ofMillis(1)),
        PoolConfig.from(pool, name));
  }

  /** Every entry of {@code key} (absent: none); names and ports must differ. */
  public static List<TcpListenerConfig> listFrom(ConfigNode root, String key) {
    List<TcpListenerConfig> listeners = new ArrayList<>();
    if (!root.has(key)) {
      return listeners;
    }
    List<ConfigNode> nodes = root.objects(key);
    for (ConfigNode node : nodes) {
      TcpListenerConfig listener = from(node);
      for (TcpListenerConfig other : listeners) {
        if (other.name().equals(listener.name())) {
          throw node.error("name", listener.name(), "a name no other listener has");
        }
        if (listener.port() != 0 && other.port() == listener.port()) {
          throw node.error("port", listener.port(), "a port no other listener has");
        }
      }
      listeners.add(listener);
    }
    return listeners;
  }
}
